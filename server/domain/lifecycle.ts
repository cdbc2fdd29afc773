/**
 * The closed loop (闭环) of a citizen request as a pure state machine: which action may be taken
 * from which status, by which role, with which fields, and what it does to the time-limit clock.
 *
 *   received 已受理 → dispatched 已派单 → signed 已签收 → in_progress 办理中 → resolved 已办结
 *   → followed_up 已回访 → archived 已归档, with returned 退单, parked 挂账, extension_requested 延期申请中.
 *
 * No I/O and no runtime imports (the schema is imported for its types only), so the client, the
 * server and the docs can all read the same table. Decisions made here:
 * - archive (归档) of an event whose follow-up was unsatisfied needs a reason (e.g. 诉求不合理，已解释);
 *   otherwise the dispatcher reopens it (重新办理);
 * - reopen runs the clock again (the event is being handled again); it goes to `dispatched`;
 * - resolve and resolve_direct are both refused while joint-dispatch (吹哨) tasks are open;
 * - archived is terminal: only comments (备注) are taken after it, and they change no status;
 * - supervise (督办) and comment (备注) take their text in `reason`, as the timeline's note;
 * - the amount of an extension request is the caller's to check (it is not part of ActionInput).
 */
import type { RoleId } from '../../db/schema/access.ts'
import type { EventStatus, SATISFACTION } from '../../db/schema/events.ts'

export type Satisfaction = (typeof SATISFACTION)[number]

export interface Label {
  zh: string
  en: string
}

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

export const isEventAction = (value: unknown): value is EventAction =>
  typeof value === 'string' && (EVENT_ACTIONS as readonly string[]).includes(value)

export const STATUS_LABELS: Record<EventStatus, Label> = {
  received: { zh: '已受理', en: 'Received' },
  dispatched: { zh: '已派单', en: 'Dispatched' },
  signed: { zh: '已签收', en: 'Signed for' },
  in_progress: { zh: '办理中', en: 'In progress' },
  returned: { zh: '退单', en: 'Returned' },
  parked: { zh: '挂账', en: 'Parked' },
  extension_requested: { zh: '延期申请中', en: 'Extension requested' },
  resolved: { zh: '已办结', en: 'Resolved' },
  followed_up: { zh: '已回访', en: 'Followed up' },
  archived: { zh: '已归档', en: 'Archived' },
}

export const ACTION_LABELS: Record<EventAction, Label> = {
  dispatch: { zh: '派单', en: 'Dispatch' },
  sign: { zh: '签收', en: 'Sign for' },
  start: { zh: '开始办理', en: 'Start handling' },
  return: { zh: '退单', en: 'Return' },
  park: { zh: '挂账', en: 'Park' },
  unpark: { zh: '解除挂账', en: 'Unpark' },
  request_extension: { zh: '延期申请', en: 'Request an extension' },
  approve_extension: { zh: '批准延期', en: 'Approve the extension' },
  reject_extension: { zh: '驳回延期', en: 'Reject the extension' },
  resolve: { zh: '办结', en: 'Resolve' },
  resolve_direct: { zh: '即接即办', en: 'Resolve at first contact' },
  follow_up: { zh: '回访', en: 'Follow up' },
  reopen: { zh: '重新办理', en: 'Reopen' },
  archive: { zh: '归档', en: 'Archive' },
  supervise: { zh: '督办', en: 'Supervise' },
  comment: { zh: '备注', en: 'Comment' },
}

export const SATISFACTION_LABELS: Record<Satisfaction, Label> = {
  satisfied: { zh: '满意', en: 'satisfied' },
  basically_satisfied: { zh: '基本满意', en: 'basically satisfied' },
  unsatisfied: { zh: '不满意', en: 'unsatisfied' },
}

/** Still being handled: the clock runs or is paused. */
export const OPEN_STATUSES = [
  'received',
  'dispatched',
  'signed',
  'in_progress',
  'returned',
  'parked',
  'extension_requested',
] as const satisfies readonly EventStatus[]
/** Handled: the clock has stopped. */
export const CLOSED_STATUSES = [
  'resolved',
  'followed_up',
  'archived',
] as const satisfies readonly EventStatus[]
/** The clock is paused (停表): returned, parked or awaiting an extension decision. */
export const PAUSED_STATUSES = [
  'returned',
  'parked',
  'extension_requested',
] as const satisfies readonly EventStatus[]

const has = (list: readonly string[], value: string) => list.includes(value)

/** The time-limit clock in a status: not started yet, running, paused or stopped. */
export type ClockState = 'idle' | 'running' | 'paused' | 'stopped'
/** What a transition does to the clock. */
export type ClockEffect = 'run' | 'pause' | 'stop' | 'same'

export function clockOf(status: EventStatus): ClockState {
  if (status === 'received') return 'idle'
  if (has(PAUSED_STATUSES, status)) return 'paused'
  if (has(CLOSED_STATUSES, status)) return 'stopped'
  return 'running'
}

/** pause entering a paused status, run leaving one (or leaving received / a closed one), stop on resolving. */
export function clockEffect(from: EventStatus, to: EventStatus): ClockEffect {
  const a = clockOf(from)
  const b = clockOf(to)
  if (a === b) return 'same'
  if (b === 'paused') return 'pause'
  if (b === 'running') return 'run'
  if (b === 'stopped') return 'stop'
  return 'same'
}

/** A field an action needs. */
export type ActionField = 'reason' | 'result' | 'satisfaction'

/** A condition beyond status and role, checked on the context. */
export type Condition =
  /** Refused while joint-dispatch (吹哨) tasks have not reported (`openTasks > 0`). */
  | 'no_open_tasks'
  /** Only after an unsatisfied follow-up (`satisfaction === 'unsatisfied'`). */
  | 'after_unsatisfied'
  /** A reason is required when the follow-up was unsatisfied. */
  | 'reason_if_unsatisfied'

export const CONDITION_LABELS: Record<Condition, Label> = {
  no_open_tasks: { zh: '吹哨任务均已反馈', en: 'every joint-dispatch task has reported' },
  after_unsatisfied: { zh: '回访结果为不满意', en: 'the follow-up was unsatisfied' },
  reason_if_unsatisfied: {
    zh: '回访不满意时须说明理由',
    en: 'a reason is needed when the follow-up was unsatisfied',
  },
}

export interface ActionRule {
  /** The statuses the action may be taken from. */
  from: readonly EventStatus[]
  /** The status it leads to; 'same' for a timeline entry only (督办, 备注). */
  to: EventStatus | 'same'
  /** The roles that may take it. */
  roles: readonly RoleId[]
  /** Fields that must be filled in (non-blank). */
  requires: readonly ActionField[]
  conditions: readonly Condition[]
  /** What `reason` means for this action, when it takes one. */
  reasonLabel?: Label
}

const LEADERS_AND_DISPATCHER = ['dispatcher', 'street-leader', 'district-leader', 'city-leader'] as const
const HANDLERS = ['department-handler', 'grid-worker'] as const
const PARKING = ['dispatcher', 'street-leader', 'district-leader'] as const

/** The transition table: the one source of the lifecycle's rules (rendered by the UI and docs). */
export const TRANSITIONS: { readonly [A in EventAction]: ActionRule } = {
  dispatch: {
    from: ['received', 'returned'],
    to: 'dispatched',
    roles: LEADERS_AND_DISPATCHER,
    requires: [],
    conditions: [],
  },
  sign: { from: ['dispatched'], to: 'signed', roles: HANDLERS, requires: [], conditions: [] },
  start: { from: ['signed'], to: 'in_progress', roles: HANDLERS, requires: [], conditions: [] },
  return: {
    from: ['dispatched', 'signed'],
    to: 'returned',
    roles: HANDLERS,
    requires: ['reason'],
    conditions: [],
    reasonLabel: { zh: '退单原因', en: 'a reason for the return' },
  },
  park: {
    from: ['in_progress'],
    to: 'parked',
    roles: PARKING,
    requires: ['reason'],
    conditions: [],
    reasonLabel: { zh: '挂账原因', en: 'a reason for parking' },
  },
  unpark: { from: ['parked'], to: 'in_progress', roles: PARKING, requires: [], conditions: [] },
  request_extension: {
    from: ['in_progress'],
    to: 'extension_requested',
    roles: HANDLERS,
    requires: ['reason'],
    conditions: [],
    reasonLabel: { zh: '延期理由', en: 'a reason for the extension' },
  },
  approve_extension: {
    from: ['extension_requested'],
    to: 'in_progress',
    roles: LEADERS_AND_DISPATCHER,
    requires: [],
    conditions: [],
  },
  reject_extension: {
    from: ['extension_requested'],
    to: 'in_progress',
    roles: LEADERS_AND_DISPATCHER,
    requires: ['reason'],
    conditions: [],
    reasonLabel: { zh: '驳回理由', en: 'a reason for the rejection' },
  },
  resolve: {
    from: ['in_progress'],
    to: 'resolved',
    roles: HANDLERS,
    requires: ['result'],
    conditions: ['no_open_tasks'],
  },
  resolve_direct: {
    from: ['received'],
    to: 'resolved',
    roles: ['dispatcher'],
    requires: ['result'],
    conditions: ['no_open_tasks'],
  },
  follow_up: {
    from: ['resolved'],
    to: 'followed_up',
    roles: ['dispatcher'],
    requires: ['satisfaction'],
    conditions: [],
  },
  reopen: {
    from: ['followed_up'],
    to: 'dispatched',
    roles: ['dispatcher'],
    requires: [],
    conditions: ['after_unsatisfied'],
  },
  archive: {
    from: ['followed_up'],
    to: 'archived',
    roles: ['dispatcher', 'admin'],
    requires: [],
    conditions: ['reason_if_unsatisfied'],
    reasonLabel: { zh: '不满意件归档说明', en: 'a reason for archiving an unsatisfied event' },
  },
  supervise: {
    from: OPEN_STATUSES,
    to: 'same',
    roles: ['city-leader', 'district-leader', 'street-leader', 'dispatcher'],
    requires: ['reason'],
    conditions: [],
    reasonLabel: { zh: '督办意见', en: 'a supervision note' },
  },
  comment: {
    from: [...OPEN_STATUSES, ...CLOSED_STATUSES],
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
    requires: ['reason'],
    conditions: [],
    reasonLabel: { zh: '备注内容', en: 'the comment text' },
  },
}

export interface TransitionEdge {
  from: EventStatus
  action: EventAction
  to: EventStatus
  clock: ClockEffect
}

/** The table as a flat list of edges (from, action, to, clock), for diagrams. */
export const TRANSITION_EDGES: readonly TransitionEdge[] = EVENT_ACTIONS.flatMap((action) => {
  const rule = TRANSITIONS[action]
  return rule.from.map((from) => {
    const to = rule.to === 'same' ? from : rule.to
    return { from, action, to, clock: clockEffect(from, to) }
  })
})

export interface TransitionContext {
  role: RoleId
  /** Joint-dispatch (吹哨) sub-tasks not yet reported. */
  openTasks?: number
  /** The satisfaction of the last follow-up (回访), if any. */
  satisfaction?: Satisfaction | null
}

export interface ActionInput {
  action: EventAction
  /** Return / park / extension / rejection reason; the note of supervise and comment. */
  reason?: string
  satisfaction?: Satisfaction
  result?: string
}

export type Refusal = 'invalid_transition' | 'forbidden' | 'missing_field' | 'open_tasks'

export type Decision =
  | { ok: true; to: EventStatus; clock: ClockEffect }
  | { ok: false; code: Refusal; message: string; field?: ActionField }

// Phrases for the messages.
const STATUS_EN: Record<EventStatus, string> = {
  received: 'received',
  dispatched: 'dispatched',
  signed: 'signed for',
  in_progress: 'in progress',
  returned: 'returned',
  parked: 'parked',
  extension_requested: 'awaiting an extension decision',
  resolved: 'resolved',
  followed_up: 'followed up',
  archived: 'archived',
}
const CANNOT_EN: Record<EventAction, string> = {
  dispatch: 'it cannot be dispatched',
  sign: 'it cannot be signed for',
  start: 'it cannot be started',
  return: 'it cannot be returned',
  park: 'it cannot be parked',
  unpark: 'it cannot be unparked',
  request_extension: 'no extension can be requested',
  approve_extension: 'no extension can be approved',
  reject_extension: 'no extension can be rejected',
  resolve: 'it cannot be resolved',
  resolve_direct: 'it cannot be resolved at first contact',
  follow_up: 'it cannot be followed up',
  reopen: 'it cannot be reopened',
  archive: 'it cannot be archived',
  supervise: 'it cannot be supervised',
  comment: 'it cannot be commented on',
}
const VERB_EN: Record<EventAction, string> = {
  dispatch: 'dispatch it',
  sign: 'sign for it',
  start: 'start handling it',
  return: 'return it',
  park: 'park it',
  unpark: 'unpark it',
  request_extension: 'request an extension',
  approve_extension: 'approve the extension',
  reject_extension: 'reject the extension',
  resolve: 'resolve it',
  resolve_direct: 'resolve it at first contact',
  follow_up: 'follow it up',
  reopen: 'reopen it',
  archive: 'archive it',
  supervise: 'supervise it',
  comment: 'comment on it',
}
const ROLE_LABELS: Record<RoleId, Label> = {
  'city-leader': { zh: '市级领导', en: 'city leader' },
  'district-leader': { zh: '区级领导', en: 'district leader' },
  'street-leader': { zh: '街道领导', en: 'street leader' },
  dispatcher: { zh: '派单员', en: 'dispatcher' },
  'department-handler': { zh: '职能部门办理人', en: 'department handler' },
  'grid-worker': { zh: '网格员', en: 'grid worker' },
  planner: { zh: '网格规划员', en: 'planner' },
  auditor: { zh: '审计员', en: 'auditor' },
  admin: { zh: '系统管理员', en: 'admin' },
}
const FIELD_LABELS: Record<ActionField, Label> = {
  reason: { zh: '原因', en: 'a reason' },
  result: { zh: '办理结果', en: 'the result' },
  satisfaction: { zh: '满意度', en: 'a satisfaction' },
}

const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`)
const filled = (text: string | undefined) => typeof text === 'string' && text.trim().length > 0
const isSatisfaction = (value: unknown): value is Satisfaction =>
  typeof value === 'string' && Object.hasOwn(SATISFACTION_LABELS, value)

/** Whether the action's conditions hold on the context (the fields are not looked at). */
function conditionsHold(rule: ActionRule, ctx: Partial<TransitionContext>): boolean {
  for (const c of rule.conditions) {
    if (c === 'no_open_tasks' && (ctx.openTasks ?? 0) > 0) return false
    if (c === 'after_unsatisfied' && ctx.satisfaction !== 'unsatisfied') return false
  }
  return true
}

/**
 * The actions `role` may take on an event in `status`, in EVENT_ACTIONS order: status, role and
 * conditions checked (fields are not). Without `openTasks` none are assumed open; without
 * `satisfaction` the follow-up is not known to be unsatisfied, so `reopen` is not offered.
 */
export function allowedActions(
  status: EventStatus,
  role: RoleId,
  ctx: Partial<TransitionContext> = {},
): EventAction[] {
  return EVENT_ACTIONS.filter((a) => {
    const rule = TRANSITIONS[a]
    return has(rule.from, status) && has(rule.roles, role) && conditionsHold(rule, ctx)
  })
}

/** The actions from `status` that change it, for anyone (conditions checked). */
function moves(status: EventStatus, ctx: Partial<TransitionContext>): EventAction[] {
  return EVENT_ACTIONS.filter((a) => {
    const rule = TRANSITIONS[a]
    return rule.to !== 'same' && has(rule.from, status) && conditionsHold(rule, ctx)
  })
}

/** "可进行：… / allowed: …" for the role, or for anyone when the role has none. */
function allowedPhrase(status: EventStatus, ctx: TransitionContext): Label {
  const own = allowedActions(status, ctx.role, ctx).filter((a) => TRANSITIONS[a].to !== 'same')
  const zh = (as: EventAction[]) => as.map((a) => ACTION_LABELS[a].zh).join('、')
  const en = (as: EventAction[]) => as.join(', ')
  if (own.length) return { zh: `可进行：${zh(own)}`, en: `allowed: ${en(own)}` }
  const any = moves(status, ctx)
  const role = ROLE_LABELS[ctx.role]
  if (any.length)
    return {
      zh: `“${role.zh}”无可进行的操作，其他角色可进行：${zh(any)}`,
      en: `nothing is allowed for ${article(role.en)}; others may: ${en(any)}`,
    }
  return {
    zh: '已无可进行的状态变更（仅可备注）',
    en: 'no moves are left (comments only)',
  }
}

const refuse = (code: Refusal, zh: string, en: string, field?: ActionField): Decision =>
  field ? { ok: false, code, message: `${zh} / ${en}`, field } : { ok: false, code, message: `${zh} / ${en}` }

/**
 * Whether `input.action` may be taken on an event in `status` in the context `ctx`, and if so the
 * status it leads to and what it does to the clock. Checked in order: status (invalid_transition),
 * role (forbidden), conditions (open_tasks; invalid_transition for reopen), fields (missing_field).
 * Messages are bilingual "中文 / English"; an invalid one names the current status and the moves.
 */
export function decide(status: EventStatus, input: ActionInput, ctx: TransitionContext): Decision {
  const action = input.action
  if (!Object.hasOwn(STATUS_LABELS, status))
    return refuse('invalid_transition', `未知状态“${String(status)}”`, `unknown status "${String(status)}"`)
  const here = STATUS_LABELS[status]
  if (!isEventAction(action))
    return refuse(
      'invalid_transition',
      `未知操作“${String(action)}”`,
      `unknown action "${String(action)}"; actions: ${EVENT_ACTIONS.join(', ')}`,
    )
  const rule = TRANSITIONS[action]
  const label = ACTION_LABELS[action]

  if (!has(rule.from, status)) {
    const allowed = allowedPhrase(status, ctx)
    return refuse(
      'invalid_transition',
      `当前状态“${here.zh}”不能“${label.zh}”；${allowed.zh}`,
      `the event is ${STATUS_EN[status]}; ${CANNOT_EN[action]}; ${allowed.en}`,
    )
  }

  if (!has(rule.roles, ctx.role)) {
    const role = ROLE_LABELS[ctx.role]
    return refuse(
      'forbidden',
      `“${role.zh}”不能“${label.zh}”；此操作由${rule.roles.map((r) => ROLE_LABELS[r].zh).join('、')}进行`,
      `${article(role.en)} cannot ${VERB_EN[action]}; allowed roles: ${rule.roles.join(', ')}`,
    )
  }

  for (const c of rule.conditions) {
    if (c === 'no_open_tasks' && (ctx.openTasks ?? 0) > 0) {
      const n = ctx.openTasks ?? 0
      return refuse(
        'open_tasks',
        `还有 ${n} 项吹哨任务未反馈，不能“${label.zh}”`,
        `${n} joint-dispatch task${n === 1 ? ' has' : 's have'} not reported yet; ${CANNOT_EN[action]}`,
      )
    }
    if (c === 'after_unsatisfied' && ctx.satisfaction !== 'unsatisfied') {
      const was = ctx.satisfaction ? SATISFACTION_LABELS[ctx.satisfaction] : null
      const allowed = allowedPhrase(status, ctx)
      return refuse(
        'invalid_transition',
        `当前状态“${here.zh}”${was ? `，回访结果为“${was.zh}”` : ''}，仅不满意件可“${label.zh}”；${allowed.zh}`,
        `the event is ${STATUS_EN[status]}${was ? ` (${was.en})` : ''}; only an unsatisfied one can be reopened; ${allowed.en}`,
      )
    }
    if (c === 'reason_if_unsatisfied' && ctx.satisfaction === 'unsatisfied' && !filled(input.reason)) {
      const what = rule.reasonLabel ?? FIELD_LABELS.reason
      return refuse(
        'missing_field',
        `回访结果为“不满意”，“${label.zh}”须填写${what.zh}`,
        `the follow-up was unsatisfied: ${action} needs ${what.en}`,
        'reason',
      )
    }
  }

  for (const field of rule.requires) {
    if (field === 'satisfaction') {
      if (!isSatisfaction(input.satisfaction)) {
        const choices = Object.values(SATISFACTION_LABELS)
        return refuse(
          'missing_field',
          `“${label.zh}”须选择满意度（${choices.map((c) => c.zh).join('、')}）`,
          `${action} needs a satisfaction: ${Object.keys(SATISFACTION_LABELS).join(', ')}`,
          field,
        )
      }
    } else if (!filled(input[field])) {
      const what = (field === 'reason' ? rule.reasonLabel : undefined) ?? FIELD_LABELS[field]
      return refuse('missing_field', `“${label.zh}”须填写${what.zh}`, `${action} needs ${what.en}`, field)
    }
  }

  const to = rule.to === 'same' ? status : rule.to
  return { ok: true, to, clock: clockEffect(status, to) }
}
