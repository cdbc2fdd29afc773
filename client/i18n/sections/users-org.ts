/** Messages of one feature, kept apart from the main dictionaries; spread into zh-CN.ts and en.ts. */
export const usersOrgZhCN = {} as const

export const usersOrgEn: Record<keyof typeof usersOrgZhCN, string> = {}
