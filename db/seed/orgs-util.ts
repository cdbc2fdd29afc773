import type { Rng } from './rng.ts'

/**
 * Helpers of the organisation and event generators: points in grids, credit codes (统一社会信用代码),
 * firm names (字号), shops, compounds.
 */

/** A uniformly random point inside a convex ring (the leaf grids are convex), kept off the edge. */
export function makeRingSampler(
  ring: readonly (readonly [number, number])[],
): (rng: Rng) => [number, number] {
  const pts =
    ring.length > 1 && ring[0]?.[0] === ring.at(-1)?.[0] && ring[0]?.[1] === ring.at(-1)?.[1]
      ? ring.slice(0, -1)
      : ring
  if (pts.length < 3) throw new Error('ring needs at least 3 points')
  const [ox, oy] = pts[0] as [number, number]
  let cx = 0
  let cy = 0
  for (const [x, y] of pts) {
    cx += x / pts.length
    cy += y / pts.length
  }
  const cum: number[] = []
  let total = 0
  for (let i = 1; i < pts.length - 1; i++) {
    const [ax, ay] = pts[i] as [number, number]
    const [bx, by] = pts[i + 1] as [number, number]
    total += Math.abs((ax - ox) * (by - oy) - (bx - ox) * (ay - oy)) / 2
    cum.push(total)
  }
  return (rng) => {
    const r = rng.next() * total
    let i = 0
    while (i < cum.length - 1 && (cum[i] as number) < r) i++
    const [ax, ay] = pts[i + 1] as [number, number]
    const [bx, by] = pts[i + 2] as [number, number]
    let u = rng.next()
    let v = rng.next()
    if (u + v > 1) {
      u = 1 - u
      v = 1 - v
    }
    const x = ox + u * (ax - ox) + v * (bx - ox)
    const y = oy + u * (ay - oy) + v * (by - oy)
    // Pull 2% towards the centre so that rounding never puts the point on a neighbour's edge.
    return [cx + 0.98 * (x - cx), cy + 0.98 * (y - cy)]
  }
}

export const ewktPoint = (p: readonly [number, number]) =>
  `SRID=4326;POINT(${p[0].toFixed(6)} ${p[1].toFixed(6)})`

/** Ids on a grid's materialized path ("/1/7/42/"). */
export const pathIds = (path: string) => path.split('/').filter(Boolean).map(Number)

// ---- Unified social credit codes (统一社会信用代码, GB 32100) --------------------------------
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

/** An 18-character code: registration prefix ('91' company, '92' sole trader, '51'/'52' social org), region, serial. */
export function uscc(prefix: string, region: string, serial: number): string {
  // A bijection of the serial onto 8 digits, so that different serials never collide.
  const body = String((serial * 48271 + 13579) % 100_000_000).padStart(8, '0')
  let s = 0
  for (let i = 0; i < 8; i++) s += Number(body[i]) * (ORG_WEIGHTS[i] as number)
  const c9 = 11 - (s % 11)
  const orgCode = body + (c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9))
  const first17 = prefix + region.padEnd(6, '0').slice(0, 6) + orgCode
  let t = 0
  for (let i = 0; i < 17; i++) t += USCC_CHARS.indexOf(first17[i] as string) * (USCC_WEIGHTS[i] as number)
  return first17 + USCC_CHARS[(31 - (t % 31)) % 31]
}

// ---- Names ------------------------------------------------------------------------------------
export const ZIHAO =
  '鑫源 恒达 宏运 华泰 瑞丰 金诚 顺发 嘉禾 永盛 海晟 福瑞 隆鑫 汇通 天成 润泽 博远 正阳 信诚 聚德 惠民 新港 东方 德馨 安泰 鸿福 盛世 和顺 同兴 万家 佳和 宏图 鼎盛 海韵 远航 蓝海 银滩 泰和 广源 利民 荣昌'.split(
    ' ',
  )
export const INDUSTRIES =
  '商贸 餐饮管理 建筑工程 物流 科技 食品 水产 机械制造 装饰工程 汽车服务 医药连锁 家政服务 文化传媒 房地产开发 电子商务 海洋生物科技 纺织服装 新能源 酒店管理 教育咨询'.split(
    ' ',
  )
const SHOPS =
  '超市 便利店 烧烤 面馆 水饺馆 海鲜饭店 水果店 五金店 理发店 干洗店 汽车维修部 服装店 手机维修店 棋牌室 网吧 快递驿站 早餐店 药店 母婴店 花店 蛋糕店 家电维修部 粮油店 烟酒店 茶叶店 健身房 美容院 培训学校'.split(
    ' ',
  )
const SURNAMES = '王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 于 董 曲 丛 毕 谷 姜 汤'.split(
  ' ',
)
export const COMPOUND_HEADS =
  '海悦 金海湾 阳光 幸福 翠竹 明珠 锦绣 华府 碧海 蓝湾 橡树 书香 御景 东山 西苑 南山 北海 望岛 鲸园 环海 怡园 文苑 丽景 长峰 松涛 清华 观海 名都 新城 和平'.split(
    ' ',
  )
export const COMPOUND_TAILS = '花园 小区 家园 公寓 苑 名居 新村 华庭 雅居 府'.split(' ')
export const SOCIAL = [
  ['志愿者协会', '51'],
  ['老年人协会', '51'],
  ['社会工作服务站', '52'],
  ['人民调解委员会', '51'],
  ['慈善工作站', '52'],
  ['文体协会', '51'],
  ['红十字服务站', '52'],
] as const

export const cityShort = (name: string) => name.replace(/市$/, '')
export const isTownship = (name: string) => /[镇乡]$/.test(name)
export const rating = (rng: Rng) => rng.weighted(['A', 'B', 'C', 'D'], [50, 32, 14, 4])

export function shopName(rng: Rng): string {
  const shop = rng.pick(SHOPS)
  const s = rng.pick(SURNAMES)
  switch (rng.int(0, 3)) {
    case 0:
      return `老${s}${shop}`
    case 1:
      return `${s}记${shop}`
    case 2:
      return `小${s}${shop}`
    default:
      return `${rng.pick(ZIHAO)}${shop}`
  }
}
