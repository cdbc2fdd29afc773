import { customType } from 'drizzle-orm/pg-core'

/** Raw bytes (bytea); used for ciphertexts and keyed hashes. */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array | string }>({
  dataType() {
    return 'bytea'
  },
  fromDriver(v) {
    if (typeof v === 'string') return Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex')
    return Buffer.from(v)
  },
})
