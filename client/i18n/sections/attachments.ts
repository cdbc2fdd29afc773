/** Messages of one feature, kept apart from the main dictionaries; spread into zh-CN.ts and en.ts. */
export const attachmentsZhCN = {} as const

export const attachmentsEn: Record<keyof typeof attachmentsZhCN, string> = {}
