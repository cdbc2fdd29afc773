import type { EventSource } from '../schema/events.ts'
import { COMPOUND_HEADS, COMPOUND_TAILS } from './orgs-util.ts'
import type { Rng } from './rng.ts'
import type { LeafInfo } from './taxonomy.ts'
import type { SeededGrid } from './types.ts'

/**
 * Words of the generated requests: street addresses (门牌地址) that stay the same within a grid,
 * titles from the category templates, and bodies in the voice of each intake channel.
 */

const ROAD_BASES = (
  '人民 解放 建设 文化 新华 青年 和平 胜利 幸福 海滨 统一 昆明 青岛 烟台 大连 光明 古寨 塔山 华夏 学院 ' +
  '体育 花园 福山 长江 黄河 泰山 珠江 松山 渔港 环山 宝泉 竹岛 田村 张村 羊亭 九龙 望海 观海 新都 科技 ' +
  '工业 创新 高山 绿岛 沈阳 济南 齐鲁 崮山 温泉 初村 双岛 金线顶 戚谷疃 石家河 柳营'
).split(' ')
const ROAD_TAILS = ['路', '路', '东路', '西路', '南路', '北路', '中路', '大街', '街']
const VILLAGE_HEADS =
  '王家 李家 张家 刘家 于家 曲家 丛家 毕家 谷家 姜家 东山 西河 南岭 北沟 后峰 前岛 上庄 下庄 大疃 小疃 马岭 石岛 柳树 杏花 桃园'.split(
    ' ',
  )
const VILLAGE_TAILS = ['村', '疃村', '庄村', '夼村', '泊村']
const FEW = ['两', '三', '三', '四', '五', '六', '七']
const MONTHS = ['两个月', '三个月', '四个月', '五个月', '半年']
const ASK = [
  '希望相关部门尽快处理',
  '请相关部门核实处理',
  '诉求人要求尽快解决',
  '希望尽快安排人员查看',
  '希望有关部门给予答复',
]

/** A small stable hash of an integer, for picks that must not depend on the draw order. */
function mix(n: number, salt: number): number {
  let h = (n * 2654435761 + salt * 40503) >>> 0
  h ^= h >>> 15
  h = Math.imul(h, 2246822507) >>> 0
  h ^= h >>> 13
  return h >>> 0
}

export interface Address {
  /** For titles: "文化西路128号", "海悦花园5号楼". */
  short: string
  /** For the address column and bodies: district + street + short. */
  full: string
}

export interface AddressBook {
  address(
    rng: Rng,
    grid: SeededGrid,
    districtId: number | null,
    streetId: number | null,
    hotspot: number,
  ): Address
}

export function makeAddressBook(
  districts: readonly SeededGrid[],
  streets: readonly SeededGrid[],
): AddressBook {
  const names = new Map<number, string>()
  for (const g of [...districts, ...streets]) names.set(g.id, g.name)
  const hotspotAddr = new Map<number, string>()
  const road = (gridId: number, k: number) =>
    `${ROAD_BASES[mix(gridId, k) % ROAD_BASES.length]}${ROAD_TAILS[mix(gridId, k + 7) % ROAD_TAILS.length]}`
  const compound = (gridId: number, k: number) =>
    `${COMPOUND_HEADS[mix(gridId, k + 11) % COMPOUND_HEADS.length]}${COMPOUND_TAILS[mix(gridId, k + 13) % COMPOUND_TAILS.length]}`
  const village = (gridId: number) =>
    `${VILLAGE_HEADS[mix(gridId, 17) % VILLAGE_HEADS.length]}${VILLAGE_TAILS[mix(gridId, 19) % VILLAGE_TAILS.length]}`
  const short = (rng: Rng, grid: SeededGrid): string => {
    const r = rng.next()
    const k = rng.int(0, 1)
    if (grid.urban < 0.35 && r < 0.5) return `${village(grid.id)}${rng.int(1, 120)}号`
    if (r < 0.5) return `${road(grid.id, k)}${rng.int(1, 399)}号`
    if (r < 0.85) return `${compound(grid.id, k)}${rng.int(1, 24)}号楼`
    return `${road(grid.id, 0)}与${road(grid.id, 1)}交叉口`
  }
  return {
    address(rng, grid, districtId, streetId, hotspot) {
      let s: string
      if (hotspot >= 0 && rng.chance(0.6)) {
        // Repeat requests about one place (重复诉求): the same address again and again.
        s = hotspotAddr.get(hotspot) ?? short(rng, grid)
        hotspotAddr.set(hotspot, s)
      } else {
        s = short(rng, grid)
      }
      const prefix = `${districtId === null ? '' : (names.get(districtId) ?? '')}${streetId === null ? '' : (names.get(streetId) ?? '')}`
      return { short: s, full: prefix + s }
    },
  }
}

function fill(rng: Rng, template: string, addr: string): string {
  let s = template.replace('{addr}', addr)
  if (s.includes('{n}')) s = s.replace('{n}', rng.pick(FEW))
  if (s.includes('{m}')) s = s.replace('{m}', rng.pick(MONTHS))
  return s
}

export function eventTitle(rng: Rng, leaf: LeafInfo, shortAddr: string): string {
  return fill(rng, rng.pick(leaf.titles), shortAddr)
}

export function eventBody(rng: Rng, source: EventSource, leaf: LeafInfo, fullAddr: string): string {
  const body = fill(rng, rng.pick(leaf.bodies), fullAddr)
  switch (source) {
    case 'hotline':
      return leaf.consult ? `市民来电：${body}。` : `市民来电反映：${body}。${rng.pick(ASK)}。`
    case 'web':
      return `网民留言：${body}。${leaf.consult ? '请予答复' : rng.pick(ASK)}。`
    case 'grid_patrol':
      return `网格员巡查发现：${body}。已拍照取证，请相关部门处置。`
    case 'police_110':
      return `110转办非警务警情：报警人称${body}。`
    case 'sensor':
      return `物联感知设备告警，经视频复核：${body}。`
    case 'dispute':
      return `矛盾纠纷排查：${body}，需要协调化解。`
    case 'open311':
      return `${body}。`
  }
}
