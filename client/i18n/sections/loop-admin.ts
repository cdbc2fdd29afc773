/** Messages of one feature, kept apart from the main dictionaries; spread into zh-CN.ts and en.ts. */
export const loopAdminZhCN = {} as const

export const loopAdminEn: Record<keyof typeof loopAdminZhCN, string> = {}
