import type { PiiCipher } from '../../server/security/pii.ts'
import { maskIdNumber, maskPhone } from '../../server/security/pii.ts'
import type { Database } from '../client.ts'
import type { ResidentialBuilding } from './places.ts'
import type { Rng } from './rng.ts'
import { BatchWriter, ewktPoint } from './sampling.ts'
import type { OnProgress } from './types.ts'

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '胡',
  '朱',
  '高',
  '林',
  '何',
  '郭',
  '马',
  '罗',
  '梁',
  '宋',
  '郑',
  '谢',
  '韩',
  '唐',
  '冯',
  '于',
  '董',
  '萧',
  '程',
  '曹',
  '袁',
  '邓',
  '许',
  '傅',
  '沈',
  '曾',
  '彭',
  '吕',
  '丛',
  '毕',
  '谷',
  '鞠',
  '姜',
]
const SURNAME_W = SURNAMES.map((_, i) => 1 / (i + 3))
const GIVEN_M = [
  '伟',
  '强',
  '磊',
  '军',
  '勇',
  '杰',
  '涛',
  '明',
  '超',
  '刚',
  '平',
  '辉',
  '鹏',
  '华',
  '飞',
  '鑫',
  '波',
  '斌',
  '宇',
  '浩',
  '凯',
  '健',
  '俊',
  '帆',
  '帅',
  '旭',
  '宁',
  '龙',
  '林',
  '洋',
  '海',
  '建国',
  '志强',
  '文博',
  '子轩',
  '浩然',
  '宇航',
  '国华',
  '德胜',
]
const GIVEN_F = [
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '艳',
  '娟',
  '霞',
  '秀英',
  '玲',
  '桂英',
  '燕',
  '丹',
  '萍',
  '红',
  '琳',
  '雪',
  '婷',
  '慧',
  '莹',
  '欣怡',
  '梓涵',
  '雨桐',
  '诗涵',
  '淑珍',
  '玉兰',
  '春梅',
  '晓燕',
  '海燕',
]
const PHONE_PREFIXES = [
  '130',
  '131',
  '132',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '155',
  '158',
  '159',
  '176',
  '177',
  '180',
  '181',
  '186',
  '187',
  '188',
  '189',
  '199',
]

/** Ages by band (China's 2020 census shape, a little older for Shandong's coast). */
const AGE_BANDS: [number, number, number][] = [
  [0, 14, 14],
  [15, 29, 15],
  [30, 44, 20],
  [45, 59, 25],
  [60, 69, 13],
  [70, 79, 8],
  [80, 95, 5],
]

/** GB 11643 check digit of the first 17 digits of an ID number. */
export function idCheckDigit(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i]!
  return '10X98765432'[sum % 11]!
}

/**
 * Households (户) in the residential buildings and their residents (实有人口) with tags at
 * realistic rates. ID numbers and phones are encrypted before they reach the database.
 */
export async function seedPeople(
  d: Database,
  ctx: { rng: Rng; buildings: ResidentialBuilding[]; cipher: PiiCipher; now: Date; onProgress?: OnProgress },
): Promise<{ households: number; people: number }> {
  const rng = ctx.rng.fork('people')
  const thisYear = ctx.now.getUTCFullYear()
  const hhW = new BatchWriter((rows) =>
    d.copy('households', ['id', 'building_id', 'room', 'size', 'geom'], rows),
  )
  const pW = new BatchWriter(async (rows) => {
    await hhW.flush()
    return d.copy(
      'people',
      [
        'household_id',
        'building_id',
        'name',
        'gender',
        'birth_year',
        'residence',
        'relation',
        'id_number_enc',
        'id_number_hash',
        'id_number_masked',
        'phone_enc',
        'phone_masked',
        'tags',
        'geom',
      ],
      rows,
    )
  }, 20_000)
  let hhId = 0
  let persons = 0
  let seq = 0
  const total = ctx.buildings.reduce((a, b) => a + b.residents, 0)
  for (const b of ctx.buildings) {
    let left = b.residents
    let slot = 0
    const geom = ewktPoint(b.p)
    while (left > 0) {
      slot++
      const elderlyAlone = rng.chance(b.rural ? 0.09 : 0.06)
      const size = elderlyAlone ? 1 : Math.min(left, rng.weighted([1, 2, 3, 4, 5], [10, 30, 30, 20, 10]))
      left -= size
      hhId++
      const floor = Math.ceil(slot / (b.units * 2))
      const unit = ((slot - 1) % b.units) + 1
      const room = b.rural ? '1户' : `${unit}单元${floor}0${((slot - 1) % 2) + 1}`
      await hhW.push([hhId, b.id, room, size, geom])
      const lowIncome = rng.chance(0.025)
      const floating = !b.rural && rng.chance(0.22)
      const surname = rng.weighted(SURNAMES, SURNAME_W)
      for (let k = 0; k < size; k++) {
        const head = k === 0
        let age: number
        if (elderlyAlone) age = rng.int(66, 92)
        else if (head || k === 1) age = rng.int(24, 80)
        else {
          const band = rng.weighted(
            AGE_BANDS,
            AGE_BANDS.map((x) => x[2]),
          )
          age = rng.int(band[0], band[1])
        }
        const gender = k === 1 ? 'F' : rng.chance(0.5) ? 'M' : 'F'
        const given = rng.pick(gender === 'M' ? GIVEN_M : GIVEN_F)
        const name = `${k === 1 && rng.chance(0.9) ? rng.weighted(SURNAMES, SURNAME_W) : surname}${given}`
        const birthYear = thisYear - age
        const month = rng.int(1, 12)
        const day = rng.int(1, 28)
        seq = (seq + 1) % 1000
        const genderDigit = gender === 'M' ? (seq | 1) % 10 : (seq & ~1) % 10
        const region =
          floating && rng.chance(0.7)
            ? rng.pick(['370102', '370602', '370211', '371302', '410102', '220102'])
            : b.districtCode.slice(0, 6)
        const first17 = `${region}${birthYear}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(Math.floor(seq / 10)).padStart(2, '0')}${genderDigit}`
        const idNumber = `${first17}${idCheckDigit(first17)}`
        const phone =
          age >= 14 ? `${rng.pick(PHONE_PREFIXES)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}` : null
        const tags: string[] = []
        if (elderlyAlone) tags.push('elderly_alone')
        if (age >= 80) tags.push('elderly')
        if (rng.chance(0.045 + (age > 60 ? 0.05 : 0))) tags.push('disabled')
        if (lowIncome) tags.push('low_income')
        if (gender === 'M' && age >= 30 && rng.chance(0.04)) tags.push('veteran')
        if (age >= 18 && rng.chance(0.07)) tags.push('party_member')
        if (age >= 18 && rng.chance(0.003)) tags.push('key_group')
        if (b.rural && age <= 14 && rng.chance(0.12)) tags.push('left_behind_child')
        const relation = head ? 'head' : k === 1 ? 'spouse' : age < 30 ? 'child' : 'relative'
        await pW.push([
          hhId,
          b.id,
          name,
          gender,
          birthYear,
          floating ? 'floating' : 'registered',
          relation,
          ctx.cipher.encrypt(idNumber),
          ctx.cipher.lookupHash(idNumber),
          maskIdNumber(idNumber),
          phone ? ctx.cipher.encrypt(phone) : null,
          phone ? maskPhone(phone) : null,
          tags,
          geom,
        ])
        persons++
        if (persons % 20_000 === 0) ctx.onProgress?.({ stage: 'people', done: persons, total })
      }
    }
  }
  await hhW.flush()
  await pW.flush()
  ctx.onProgress?.({ stage: 'people', done: persons, total })
  return { households: hhId, people: persons }
}
