import { useState } from 'react'
import { useI18n } from '../../i18n/index.ts'
import { trpcClient } from '../../trpc.ts'
import { useSession } from '../auth/session.ts'
import type { LoopEvent } from './EventView.tsx'
import { labelOf } from './labels.ts'
import { RemainingBadge } from './RemainingBadge.tsx'

type Task = LoopEvent['tasks'][number]

const REPORTER_ROLES = ['department-handler', 'grid-worker', 'street-leader']
const SCORER_ROLES = ['grid-worker', 'street-leader', 'dispatcher']

interface TaskListProps {
  tasks: readonly Task[]
  pending: boolean
  run: (job: () => Promise<unknown>, done: string) => Promise<boolean>
}

/**
 * The whistle's sub-tasks: each summoned department reports back (反馈), and the one who blew the
 * whistle scores the response 1–5 (the server refuses anyone else).
 */
export function TaskList({ tasks, pending, run }: TaskListProps) {
  const { me } = useSession()
  const canReport = me.roles.some((r) => REPORTER_ROLES.includes(r))
  const canScore = me.roles.some((r) => SCORER_ROLES.includes(r))
  return (
    <ul className="wb-tasks">
      {tasks.map((task) => (
        <TaskItem
          key={task.id}
          task={task}
          pending={pending}
          run={run}
          canReport={canReport}
          canScore={canScore}
        />
      ))}
    </ul>
  )
}

function TaskItem({
  task,
  pending,
  run,
  canReport,
  canScore,
}: {
  task: Task
  pending: boolean
  run: TaskListProps['run']
  canReport: boolean
  canScore: boolean
}) {
  const { t, dateTime } = useI18n()
  const [report, setReport] = useState('')
  const [score, setScore] = useState('5')
  const [short, setShort] = useState(false)
  return (
    <li
      className={`wb-task wb-task-${task.status}`}
      data-testid={`task-${task.id}`}
      data-status={task.status}
    >
      <div className="wb-task-head">
        <strong>{task.department}</strong>
        <span className={`chip wb-task-status-${task.status}`}>
          {labelOf(t, 'wb.task.status', task.status)}
        </span>
        {task.status === 'open' && <RemainingBadge dueAt={task.dueAt} />}
        {task.score !== null && <span className="chip">{t('wb.task.score', { n: task.score })}</span>}
      </div>
      <p className="wb-task-ask">{task.ask}</p>
      {task.report && (
        <p className="wb-task-report">
          <span className="dim">{task.reportedAt ? dateTime(task.reportedAt) : ''} </span>
          {task.report}
        </p>
      )}
      {task.status === 'open' && canReport && (
        <form
          className="wb-task-form"
          onSubmit={(e) => {
            e.preventDefault()
            if (report.trim().length < 2) {
              setShort(true)
              return
            }
            setShort(false)
            void run(
              () => trpcClient.events.reportTask.mutate({ taskId: task.id, report: report.trim() }),
              t('wb.task.reported', { department: task.department }),
            ).then((ok) => ok && setReport(''))
          }}
        >
          <input
            className="text-input"
            maxLength={2000}
            value={report}
            placeholder={t('wb.task.reportHint')}
            aria-label={t('wb.task.report')}
            data-testid={`task-report-${task.id}`}
            onChange={(e) => setReport(e.target.value)}
          />
          <button
            type="submit"
            className="plain-button"
            data-testid={`task-report-submit-${task.id}`}
            disabled={pending}
          >
            {t('wb.task.report')}
          </button>
          {short && (
            <span className="form-error" role="alert">
              {t('wb.task.reportShort')}
            </span>
          )}
        </form>
      )}
      {task.status === 'reported' && canScore && (
        <form
          className="wb-task-form"
          onSubmit={(e) => {
            e.preventDefault()
            void run(
              () => trpcClient.events.scoreTask.mutate({ taskId: task.id, score: Number(score) }),
              t('wb.task.scored', { department: task.department, n: score }),
            )
          }}
        >
          <select
            className="text-input wb-score"
            value={score}
            aria-label={t('wb.task.scoreLabel')}
            data-testid={`task-score-${task.id}`}
            onChange={(e) => setScore(e.target.value)}
          >
            {[5, 4, 3, 2, 1].map((n) => (
              <option key={n} value={String(n)}>
                {t('wb.task.stars', { n })}
              </option>
            ))}
          </select>
          <button
            type="submit"
            className="plain-button"
            data-testid={`task-score-submit-${task.id}`}
            disabled={pending}
          >
            {t('wb.task.scoreSubmit')}
          </button>
        </form>
      )}
    </li>
  )
}
