import type { EventSource, EventStatus, SATISFACTION } from '../schema/events.ts'
import type { SeededDepartment } from './orgs.ts'
import type { ResponsibilityRule } from './responsibilities.ts'
import type { Rng } from './rng.ts'
import type { LeafInfo, TimeLimitUnit } from './taxonomy.ts'

/**
 * The closed loop of one event (受理 → 派单 → 签收 → 办理 → 办结 → 回访 → 归档, with 退单, 延期,
 * 挂账), simulated in full and then cut at `now`: what has happened by now is the timeline, and
 * the last step reached is the status. So status always agrees with age and with the timeline.
 */

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const CST = 8 * HOUR

export type Satisfaction = (typeof SATISFACTION)[number]

/** One step of an event's timeline (event_actions); `eventSeq` is the event's place in time order. */
export interface GeneratedAction {
  eventSeq: number
  at: number
  action: string
  fromStatus: EventStatus | null
  toStatus: EventStatus | null
  actorOrgId: number | null
  note: string | null
}

/** Where the event stands at `now`. */
export interface Lifecycle {
  status: EventStatus
  departmentId: number | null
  dueAt: number
  /** The time limit in working ms (with approved extensions); null when never dispatched. */
  limitMs: number | null
  resolvedAt: number | null
  satisfaction: Satisfaction | null
  updatedAt: number
}

export interface LifecycleInput {
  now: number
  reportedAt: number
  source: EventSource
  categoryId: number
  leaf: LeafInfo
  /** The event's street and district, for routing. */
  area: AreaRef
  router: Router
}

const dowOf = (t: number) => (Math.floor((t + CST) / DAY) + 3) % 7
const hourOf = (t: number) => ((((t + CST) % DAY) + DAY) % DAY) / HOUR
const dayStartOf = (t: number) => Math.floor((t + CST) / DAY) * DAY - CST

/** Add working days (Monday–Friday), keeping the time of day. Holidays come with the real calendar. */
export function addWorkingDays(t: number, n: number): number {
  let x = t
  for (let k = 0; k < n; ) {
    x += DAY
    if (dowOf(x) < 5) k++
  }
  return x
}

/** One working day of the calendar, in ms. */
export const WORKING_DAY_MS = 7 * HOUR

/** The deadline for a time limit. Working hours are counted round the clock: urgent work does not wait. */
export function dueFrom(t: number, value: number, unit: TimeLimitUnit): number {
  return unit === 'working_hours' ? t + value * HOUR : addWorkingDays(t, value)
}

/** The first moment at or after `t` inside [from, to) hours, on weekdays only when `weekdays`. */
function within(t: number, from: number, to: number, weekdays: boolean, rng: Rng): number {
  const h = hourOf(t)
  const ok = (x: number) => !weekdays || dowOf(x) < 5
  if (h >= from && h < to && ok(t)) return t
  let day = dayStartOf(t)
  if (h >= from) day += DAY
  while (!ok(day + 12 * HOUR)) day += DAY
  return day + from * HOUR + rng.next() * 45 * MIN
}
/** Departments work weekdays 8:30–17:30. */
const office = (t: number, rng: Rng) => within(t, 8.5, 17.5, true, rng)
/** The dispatch desk works every day 8:00–21:00. */
const desk = (t: number, rng: Rng) => within(t, 8, 21, false, rng)
const between = (rng: Rng, lo: number, hi: number) => lo + rng.next() * (hi - lo)

const RECEIVE_NOTE: Record<EventSource, string> = {
  hotline: '12345热线受理，工单已生成',
  grid_patrol: '网格员巡查上报',
  police_110: '110指挥中心转办非警务警情',
  sensor: '物联感知设备告警，已生成工单',
  dispute: '矛盾纠纷排查上报',
  web: '网上留言受理',
  open311: 'Open311接口受理',
}
const RETURN_NOTES = ['退单：不属于本单位职责范围', '退单：诉求地址不在本辖区', '退单：需由其他部门牵头办理']
const START_NOTES = [
  '已安排人员现场核查',
  '已联系诉求人了解情况',
  '已转交责任科室办理',
  '已到现场查看，正在处置',
]
const EXTENSION_NOTES = [
  '申请延期：需协调多个部门共同处置',
  '申请延期：维修材料需要采购',
  '申请延期：需等待天气条件允许施工',
]
const PARK_NOTES = [
  '挂账：涉及历史遗留问题，已纳入年度计划',
  '挂账：需上级资金支持，暂缓办理',
  '挂账：涉及司法程序，待判决后办理',
]
const RESOLVE_NOTES = [
  '已办结：已安排人员处理，现已恢复正常',
  '已办结：经现场处置，问题已解决',
  '已办结：已约谈当事人并责令限期整改，复查已整改到位',
  '已办结：已向诉求人解释相关政策，诉求人表示理解',
  '已办结：已协调相关单位处理完毕',
]
const DIRECT_NOTES = ['话务员依据知识库直接答复，已办结', '已当场解答诉求人疑问，办结']
const SELF_NOTES = ['网格员现场劝导处置完毕', '网格员现场协调，问题已解决']
const SAT_NOTE: Record<Satisfaction, string> = {
  satisfied: '回访：满意',
  basically_satisfied: '回访：基本满意',
  unsatisfied: '回访：不满意',
}

const fmt = (t: number) => {
  const d = new Date(t + CST)
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
}

const SATS: readonly Satisfaction[] = ['satisfied', 'basically_satisfied', 'unsatisfied']
const SAT_ON_TIME = [90.5, 7, 2.5]
const SAT_OVERDUE = [75, 12, 13]

/**
 * The timeline being written: each step is appended to `out` while it lies before `now`; after
 * that the steps only move time on. Methods rather than closures: this runs millions of times.
 */
class Timeline implements Lifecycle {
  status: EventStatus = 'received'
  departmentId: number | null = null
  resolvedAt: number | null = null
  satisfaction: Satisfaction | null = null
  limitMs: number | null = null
  updatedAt: number
  last: number
  private open = true
  constructor(
    private readonly now: number,
    private readonly out: GeneratedAction[],
    private readonly eventSeq: number,
    public dueAt: number,
    start: number,
  ) {
    this.last = start - MIN
    this.updatedAt = start
  }
  /** Take a step at `at` (at least a minute after the last); true if it happened by now. */
  step(at: number, action: string, to: EventStatus, actor: SeededDepartment | null, note: string): boolean {
    this.last = Math.max(Math.round(at), this.last + MIN)
    if (!this.open || this.last > this.now) {
      this.open = false
      return false
    }
    const fromStatus = action === 'receive' ? null : this.status
    this.out.push({
      eventSeq: this.eventSeq,
      at: this.last,
      action,
      fromStatus,
      toStatus: to,
      actorOrgId: actor?.id ?? null,
      note,
    })
    this.status = to
    this.updatedAt = this.last
    return true
  }
  /** 办结 → 回访 (with the rating) → 归档. */
  close(rng: Rng, by: SeededDepartment | null, intake: SeededDepartment | null, note: string) {
    if (this.step(this.last, 'resolve', 'resolved', by, note)) this.resolvedAt = this.last
    const sat = rng.weighted(SATS, this.last > this.dueAt ? SAT_OVERDUE : SAT_ON_TIME)
    if (
      this.step(
        desk(this.last + between(rng, 2 * HOUR, 2 * DAY), rng),
        'follow_up',
        'followed_up',
        intake,
        SAT_NOTE[sat],
      )
    )
      this.satisfaction = sat
    this.step(desk(this.last + between(rng, DAY, 5 * DAY), rng), 'archive', 'archived', intake, '工单归档')
  }
}

/** Simulate one event's handling; its actions up to `now` are appended to `out`. */
export function simulateLifecycle(
  rng: Rng,
  x: LifecycleInput,
  out: GeneratedAction[],
  eventSeq: number,
): Lifecycle {
  const { leaf, router } = x
  const route = router.route(x.categoryId, x.source, x.area)
  const intake = router.intake(x.source, x.area.streetId)
  const limit = route ? { value: route.rule.timeLimit, unit: route.rule.timeLimitUnit } : leaf.limit
  const urgent = leaf.urgent || limit.unit === 'working_hours'
  const tl = new Timeline(x.now, out, eventSeq, dueFrom(x.reportedAt, limit.value, limit.unit), x.reportedAt)
  tl.step(x.reportedAt, 'receive', 'received', intake, RECEIVE_NOTE[x.source])

  const direct =
    !route ||
    (leaf.consult && (x.source === 'hotline' || x.source === 'web') && rng.chance(0.5)) ||
    (x.source === 'grid_patrol' && !urgent && rng.chance(0.3))
  if (direct || !route) {
    // Answered at once by the operator (直接答复), or handled on the spot by the grid worker (自行处置).
    const self = x.source === 'grid_patrol'
    tl.last += self ? between(rng, 10 * MIN, 2 * HOUR) : between(rng, 3 * MIN, 40 * MIN)
    tl.close(rng, intake, intake, rng.pick(self ? SELF_NOTES : DIRECT_NOTES))
    return tl
  }
  const dept = route.department
  // A working day is 7 working hours (09:00–12:00, 13:30–17:30; server/domain/calendar.ts).
  tl.limitMs = limit.unit === 'working_hours' ? limit.value * HOUR : limit.value * WORKING_DAY_MS
  let at = urgent
    ? tl.last + between(rng, 3 * MIN, 20 * MIN)
    : desk(tl.last + between(rng, 10 * MIN, 2 * HOUR), rng)
  const wrong = rng.chance(0.06) ? router.wrong(x.area) : null
  if (wrong && wrong.id !== dept.id) {
    if (tl.step(at, 'dispatch', 'dispatched', intake, `派单至${wrong.name}`)) tl.departmentId = wrong.id
    tl.step(
      office(tl.last + between(rng, 30 * MIN, 5 * HOUR), rng),
      'return',
      'returned',
      wrong,
      rng.pick(RETURN_NOTES),
    )
    // The dispatcher checks the list and the area again before sending it on (改派).
    at = desk(tl.last + between(rng, HOUR, 20 * HOUR), rng)
    if (tl.step(at, 'redispatch', 'dispatched', intake, `改派至${dept.name}`)) tl.departmentId = dept.id
  } else if (tl.step(at, 'dispatch', 'dispatched', intake, `派单至${dept.name}`)) {
    tl.departmentId = dept.id
  }
  at = urgent
    ? tl.last + between(rng, 5 * MIN, 30 * MIN)
    : office(tl.last + between(rng, 10 * MIN, 3 * HOUR), rng)
  tl.step(at, 'sign', 'signed', dept, '已签收')
  at = urgent ? tl.last + between(rng, 0, 20 * MIN) : office(tl.last + between(rng, 30 * MIN, DAY), rng)
  tl.step(at, 'start', 'in_progress', dept, rng.pick(START_NOTES))
  if (!urgent && rng.chance(0.015)) {
    // 挂账: parked until conditions allow; not resolved within the history.
    tl.step(office(tl.last + between(rng, DAY, 5 * DAY), rng), 'park', 'parked', dept, rng.pick(PARK_NOTES))
    return tl
  }
  if (!urgent && rng.chance(0.05)) {
    at = office(tl.last + Math.max(HOUR, (tl.dueAt - tl.last) * 0.5), rng)
    tl.step(at, 'request_extension', 'extension_requested', dept, rng.pick(EXTENSION_NOTES))
    const days = rng.int(3, 10)
    const newDue = addWorkingDays(tl.dueAt, days)
    at = desk(tl.last + between(rng, 2 * HOUR, DAY), rng)
    if (tl.step(at, 'approve_extension', 'in_progress', intake, `同意延期至${fmt(newDue)}`)) {
      tl.dueAt = newDue
      tl.limitMs = (tl.limitMs ?? 0) + days * WORKING_DAY_MS
    }
  }
  // Most work is done well within the limit; a few run over (超期).
  const due = tl.dueAt
  const span = Math.max(30 * MIN, due - tl.last)
  const overdue = rng.chance(0.015)
  const f = overdue
    ? between(rng, 1.05, 1.8)
    : Math.min(0.95, Math.max(0.05, Math.exp(rng.normal(Math.log(0.4), 0.45))))
  let done = tl.last + f * span
  if (!urgent) {
    const inOffice = office(done, rng)
    done =
      inOffice <= due || overdue ? inOffice : Math.max(tl.last + 10 * MIN, due - between(rng, 10 * MIN, HOUR))
  }
  tl.last = Math.max(tl.last + 10 * MIN, Math.round(done)) - MIN
  tl.close(rng, dept, intake, rng.pick(RESOLVE_NOTES))
  return tl
}

/** Where an event lies, for routing: its street and district (grid ids). */
export interface AreaRef {
  streetId: number | null
  districtId: number | null
}

/** Channels whose reports the street's 综治中心 takes in (the others go to the 12345 centre). */
const FROM_GRID = new Set<EventSource>(['grid_patrol', 'dispute', 'sensor'])

/**
 * Routing by the responsibility list (category × area level → a department in the event's area).
 * `route` picks the handling level — most work goes straight to the street office where it has a
 * counterpart (接诉即办) — then resolves the lead kind in the event's street, district or city,
 * falling back a level at a time.
 */
export type Router = ReturnType<typeof makeRouter>

export function makeRouter(
  departments: readonly SeededDepartment[],
  rules: readonly ResponsibilityRule[],
  rng: Rng,
) {
  const byKey = new Map<string, SeededDepartment>()
  const byArea = new Map<number, SeededDepartment[]>()
  for (const d of departments) {
    byKey.set(d.areaLevel === 1 ? `${d.kind}|city` : `${d.kind}|${d.areaGridId}`, d)
    const list = byArea.get(d.areaGridId) ?? []
    if (!list.length) byArea.set(d.areaGridId, list)
    list.push(d)
  }
  const byCategory = new Map<number, ResponsibilityRule[]>()
  for (const r of rules) {
    const list = byCategory.get(r.categoryId) ?? []
    if (!list.length) byCategory.set(r.categoryId, list)
    list[r.areaLevel] = r
  }
  const hotline = byKey.get('12345热线|city') ?? null
  const areaOf = (level: number, at: AreaRef) =>
    level === 3 ? at.streetId : level === 2 ? at.districtId : 'city'
  const startLevel = (streetCapable: boolean, fromGrid: boolean) => {
    const r = rng.next()
    if (!streetCapable) return r < 0.85 ? 2 : 1
    if (fromGrid) return r < 0.9 ? 3 : 2
    return r < 0.7 ? 3 : r < 0.95 ? 2 : 1
  }
  return {
    route(categoryId: number, src: EventSource, at: AreaRef) {
      const list = byCategory.get(categoryId)
      if (!list) return null
      const streetCapable = list[3]?.leadDepartment !== list[2]?.leadDepartment
      for (let level = startLevel(streetCapable, FROM_GRID.has(src)); level >= 1; level--) {
        const rule = list[level]
        const area = areaOf(level, at)
        const department = rule && area !== null ? byKey.get(`${rule.leadDepartment}|${area}`) : undefined
        if (rule && department) return { department, rule }
      }
      return null
    },
    intake(src: EventSource, streetId: number | null): SeededDepartment | null {
      return (FROM_GRID.has(src) && streetId !== null && byKey.get(`综治中心|${streetId}`)) || hotline
    },
    wrong(at: AreaRef): SeededDepartment | null {
      const list = byArea.get(at.streetId ?? -1) ?? byArea.get(at.districtId ?? -1) ?? departments
      return list.length ? (list[Math.floor(rng.next() * list.length)] as SeededDepartment) : null
    },
  }
}
