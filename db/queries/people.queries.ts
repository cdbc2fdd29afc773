import { sql } from 'drizzle-orm'
import type { Area } from '../../server/domain/area.ts'
import type { PiiCipher } from '../../server/security/pii.ts'
import type { Database } from '../client.ts'

/** A resident as lists show them: personal data masked. */
export interface PersonSummary {
  id: number
  name: string
  gender: 'M' | 'F'
  birthYear: number
  idNumberMasked: string
  phoneMasked: string | null
  gridId: number | null
}

/**
 * Find residents by exact ID number inside the caller's area, through the keyed hash: the ID
 * number itself is never compared or stored in plain text.
 */
export async function findPeopleByIdNumber(
  d: Database,
  area: Area,
  cipher: PiiCipher,
  idNumber: string,
): Promise<PersonSummary[]> {
  const rows = await d.rows<{
    id: number
    name: string
    gender: 'M' | 'F'
    birth_year: number
    id_number_masked: string
    phone_masked: string | null
    grid_id: number | null
  }>(sql`SELECT p.id, p.name, p.gender, p.birth_year, p.id_number_masked, p.phone_masked, p.grid_id
    FROM people p JOIN grids g ON g.id = p.grid_id
    WHERE p.id_number_hash = ${cipher.lookupHash(idNumber)} AND g.path LIKE ${`${area.path}%`}
    ORDER BY p.id`)
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    gender: r.gender,
    birthYear: Number(r.birth_year),
    idNumberMasked: r.id_number_masked,
    phoneMasked: r.phone_masked,
    gridId: r.grid_id === null ? null : Number(r.grid_id),
  }))
}
