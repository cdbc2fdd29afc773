import type { RoleId } from '../../db/schema/access.ts'
import { EVENT_STATUSES, type EventStatus, type SATISFACTION } from '../../db/schema/events.ts'

/**
 * The closed loop of a citizen request (诉求闭环) as a state machine:
 * 已受理 → 已派单 → 已签收 → 办理中 → 已办结 → 已回访 → 已归档, with 退单, 挂账 and 延期.
 * Pure: which move is allowed from which state, for which role, with which fields; what the clock
 * does. server/loop/transitions.ts applies a decision to the database.
 */

export type Satisfaction = (typeof SATISFACTION)[number]

export const EVENT_ACTIONS = [
  'dispatch',
  'sign',
  'start',
  'return',
  'park',
  'unpark',
  'request_extension',
  'approve_extension',
  'reject_extension',
  'resolve',
  'resolve_direct',
  'follow_up',
  'reopen',
  'archive',
  'supervise',
  'comment',
] as const
export type EventAction = (typeof EVENT_ACTIONS)[number]

export const ACTION_LABELS: Record<EventAction, { zh: string; en: string }> = {
  dispatch: { zh: '派单', en: 'dispatch' },
  sign: { zh: '签收', en: 'sign for' },
  start: { zh: '开始办理', en: 'start' },
  return: { zh: '退单', en: 'return' },
  park: { zh: '挂账', en: 'park' },
  unpark: { zh: '解除挂账', en: 'unpark' },
  request_extension: { zh: '申请延期', en: 'request an extension' },
  approve_extension: { zh: '批准延期', en: 'approve the extension' },
  reject_extension: { zh: '驳回延期', en: 'reject the extension' },
  resolve: { zh: '办结', en: 'resolve' },
  resolve_direct: { zh: '即接即办', en: 'resolve at first contact' },
  follow_up: { zh: '回访', en: 'follow up' },
  reopen: { zh: '重新办理', en: 'reopen' },
  archive: { zh: '归档', en: 'archive' },
  supervise: { zh: '督办', en: 'supervise' },
  comment: { zh: '备注', en: 'comment' },
}

export const STATUS_LABELS: Record<EventStatus, { zh: string; en: string }> = {
  received: { zh: '已受理', en: 'received' },
  dispatched: { zh: '已派单', en: 'dispatched' },
  signed: { zh: '已签收', en: 'signed for' },
  in_progress: { zh: '办理中', en: 'in hand' },
  returned: { zh: '已退单', en: 'returned' },
  parked: { zh: '挂账', en: 'parked' },
  extension_requested: { zh: '延期申请中', en: 'awaiting an extension' },
  resolved: { zh: '已办结', en: 'resolved' },
  followed_up: { zh: '已回访', en: 'followed up' },
  archived: { zh: '已归档', en: 'archived' },
}

export const CLOSED_STATUSES = [
  'resolved',
  'followed_up',
  'archived',
] as const satisfies readonly EventStatus[]
export const PAUSED_STATUSES = [
  'returned',
  'parked',
  'extension_requested',
] as const satisfies readonly EventStatus[]
export const OPEN_STATUSES = EVENT_STATUSES.filter(
  (s) => !(CLOSED_STATUSES as readonly string[]).includes(s),
) as readonly EventStatus[]

const LEADERS: readonly RoleId[] = ['city-leader', 'district-leader', 'street-leader']
const HANDLERS: readonly RoleId[] = ['department-handler', 'grid-worker']

/** What a move needs besides the state and the role. */
type Needs = 'reason' | 'result' | 'satisfaction'

export interface Move {
  action: EventAction
  /** States it may be made from; 'open' = every open state; 'any' = every state. */
  from: readonly EventStatus[] | 'open' | 'any'
  /** The state it leads to; 'same' = no change (a timeline entry only). */
  to: EventStatus | 'same'
  roles: readonly RoleId[]
  needs: readonly Needs[]
  clock: 'run' | 'pause' | 'stop' | 'same'
}

/** The table of moves: who may make each, from where, to where, with what. */
export const MOVES: readonly Move[] = [
  {
    action: 'dispatch',
    from: ['received', 'returned'],
    to: 'dispatched',
    roles: ['dispatcher', ...LEADERS],
    needs: [],
    clock: 'run',
  },
  { action: 'sign', from: ['dispatched'], to: 'signed', roles: HANDLERS, needs: [], clock: 'same' },
  { action: 'start', from: ['signed'], to: 'in_progress', roles: HANDLERS, needs: [], clock: 'same' },
  {
    action: 'return',
    from: ['dispatched', 'signed'],
    to: 'returned',
    roles: HANDLERS,
    needs: ['reason'],
    clock: 'pause',
  },
  {
    action: 'park',
    from: ['in_progress'],
    to: 'parked',
    roles: ['dispatcher', 'street-leader', 'district-leader'],
    needs: ['reason'],
    clock: 'pause',
  },
  {
    action: 'unpark',
    from: ['parked'],
    to: 'in_progress',
    roles: ['dispatcher', 'street-leader', 'district-leader'],
    needs: [],
    clock: 'run',
  },
  {
    action: 'request_extension',
    from: ['in_progress'],
    to: 'extension_requested',
    roles: HANDLERS,
    needs: ['reason'],
    clock: 'pause',
  },
  {
    action: 'approve_extension',
    from: ['extension_requested'],
    to: 'in_progress',
    roles: ['dispatcher', ...LEADERS],
    needs: [],
    clock: 'run',
  },
  {
    action: 'reject_extension',
    from: ['extension_requested'],
    to: 'in_progress',
    roles: ['dispatcher', ...LEADERS],
    needs: ['reason'],
    clock: 'run',
  },
  {
    action: 'resolve',
    from: ['in_progress'],
    to: 'resolved',
    roles: HANDLERS,
    needs: ['result'],
    clock: 'stop',
  },
  {
    action: 'resolve_direct',
    from: ['received'],
    to: 'resolved',
    roles: ['dispatcher'],
    needs: ['result'],
    clock: 'stop',
  },
  {
    action: 'follow_up',
    from: ['resolved'],
    to: 'followed_up',
    roles: ['dispatcher'],
    needs: ['satisfaction'],
    clock: 'same',
  },
  {
    action: 'reopen',
    from: ['followed_up'],
    to: 'dispatched',
    roles: ['dispatcher'],
    needs: [],
    clock: 'run',
  },
  {
    action: 'archive',
    from: ['followed_up'],
    to: 'archived',
    roles: ['dispatcher', 'admin'],
    needs: [],
    clock: 'same',
  },
  {
    action: 'supervise',
    from: 'open',
    to: 'same',
    roles: ['dispatcher', ...LEADERS],
    needs: ['reason'],
    clock: 'same',
  },
  {
    action: 'comment',
    from: 'any',
    to: 'same',
    roles: [
      'city-leader',
      'district-leader',
      'street-leader',
      'dispatcher',
      'department-handler',
      'grid-worker',
      'admin',
    ],
    needs: ['reason'],
    clock: 'same',
  },
]

const MOVE = new Map(MOVES.map((m) => [m.action, m]))

export interface TransitionContext {
  role: RoleId
  /** Open sub-tasks of a whistle (吹哨): the event cannot be resolved while any is open. */
  openTasks?: number
  /** The follow-up's rating, once followed up. */
  satisfaction?: Satisfaction | null
}

export interface ActionInput {
  action: EventAction
  reason?: string
  satisfaction?: Satisfaction
  result?: string
}

export type Decision =
  | { ok: true; to: EventStatus; clock: 'run' | 'pause' | 'stop' | 'same' }
  | { ok: false; code: 'invalid_transition' | 'forbidden' | 'missing_field' | 'open_tasks'; message: string }

const fromOk = (m: Move, s: EventStatus) =>
  m.from === 'any' ||
  (m.from === 'open' ? !(CLOSED_STATUSES as readonly string[]).includes(s) : m.from.includes(s))

/** Conditions beyond the table: reopening needs an unsatisfied follow-up; archiving a satisfied one. */
function guard(m: Move, ctx: Partial<TransitionContext>): Decision | null {
  if (m.action === 'reopen' && ctx.satisfaction !== 'unsatisfied')
    return {
      ok: false,
      code: 'invalid_transition',
      message:
        '只有回访“不满意”的事件可以重新办理 / only an event followed up as unsatisfied can be reopened',
    }
  if (m.action === 'archive' && ctx.satisfaction === 'unsatisfied')
    return {
      ok: false,
      code: 'invalid_transition',
      message:
        '回访不满意的事件须重新办理，不能直接归档 / an unsatisfied follow-up is reopened, not archived',
    }
  if ((m.action === 'resolve' || m.action === 'resolve_direct') && (ctx.openTasks ?? 0) > 0)
    return {
      ok: false,
      code: 'open_tasks',
      message: `还有 ${ctx.openTasks} 个吹哨部门未反馈，不能办结 / ${ctx.openTasks} summoned department(s) have not reported: it cannot be resolved yet`,
    }
  return null
}

/** The moves `role` may make from `status` (guards included when the context is given). */
export function allowedActions(
  status: EventStatus,
  role: RoleId,
  ctx: Partial<TransitionContext> = {},
): EventAction[] {
  return MOVES.filter((m) => fromOk(m, status) && m.roles.includes(role) && !guard(m, ctx)).map(
    (m) => m.action,
  )
}

const list = (actions: readonly EventAction[], lang: 'zh' | 'en') =>
  actions.length
    ? actions.map((a) => ACTION_LABELS[a][lang]).join(lang === 'zh' ? '、' : ', ')
    : lang === 'zh'
      ? '无'
      : 'none'

/** Whether `input` may move an event in `status`, for this role; why not, in words, if not. */
export function decide(status: EventStatus, input: ActionInput, ctx: TransitionContext): Decision {
  const m = MOVE.get(input.action)
  const here = STATUS_LABELS[status]
  if (!m)
    return { ok: false, code: 'invalid_transition', message: `未知操作 / unknown action ${input.action}` }
  if (!fromOk(m, status)) {
    const mine = allowedActions(status, ctx.role, ctx)
    const all = MOVES.filter((x) => fromOk(x, status)).map((x) => x.action)
    const shown = mine.length ? mine : all
    return {
      ok: false,
      code: 'invalid_transition',
      message: `当前状态“${here.zh}”不能“${ACTION_LABELS[m.action].zh}”；可进行：${list(shown, 'zh')} / the event is ${here.en}; it cannot be given "${ACTION_LABELS[m.action].en}"; allowed: ${list(shown, 'en')}`,
    }
  }
  if (!m.roles.includes(ctx.role))
    return {
      ok: false,
      code: 'forbidden',
      message: `角色“${ctx.role}”不能“${ACTION_LABELS[m.action].zh}”（可由：${m.roles.join('、')}）/ the role ${ctx.role} cannot ${ACTION_LABELS[m.action].en} (who may: ${m.roles.join(', ')})`,
    }
  for (const need of m.needs) {
    const v = need === 'reason' ? input.reason : need === 'result' ? input.result : input.satisfaction
    if (v === undefined || (typeof v === 'string' && v.trim().length === 0)) {
      const zh = need === 'reason' ? '事由' : need === 'result' ? '办理结果' : '满意度'
      const en = need === 'reason' ? 'a reason' : need === 'result' ? 'the result' : 'a satisfaction rating'
      return {
        ok: false,
        code: 'missing_field',
        message: `“${ACTION_LABELS[m.action].zh}”须填写${zh} / ${ACTION_LABELS[m.action].en} needs ${en}`,
      }
    }
  }
  const refused = guard(m, ctx)
  if (refused) return refused
  return { ok: true, to: m.to === 'same' ? status : m.to, clock: m.clock }
}
