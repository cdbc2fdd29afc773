import { useQueryClient } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import { useEffect, useRef, useState } from 'react'
import { trpc } from '../trpc.ts'

/** A burst of messages (the watcher marking a backlog overdue) refetches once per this. */
const REFETCH_GAP_MS = 400

/**
 * Live updates of the closed loop (events.live over SSE): every message, and every reconnection
 * (after which missed messages are unknown), refetches the event and map queries on screen: at
 * once, and then at most once per `gapMs` (default 400 ms) however many messages arrive.
 */
export function useLiveEvents(enabled = true, opts: { gapMs?: number } = {}) {
  const gapMs = opts.gapMs ?? REFETCH_GAP_MS
  /** Bumped once per refetch: the map's tiles take it as their revision (`rev`). */
  const [revision, setRevision] = useState(0)
  const qc = useQueryClient()
  const [last, setLast] = useState<{ eventId: number; action: string | null; at: string } | null>(null)
  const count = useRef(0)
  const started = useRef(false)
  const pending = useRef<{
    timer: ReturnType<typeof setTimeout> | null
    events: Set<number>
    lastFlush: number
  }>({ timer: null, events: new Set(), lastFlush: 0 })
  /** At once when nothing was refetched within `gapMs`; otherwise once at the end of the gap. */
  const refetch = (eventId: number | null) => {
    const p = pending.current
    if (eventId !== null) p.events.add(eventId)
    if (p.timer) return
    const flush = () => {
      p.timer = null
      p.lastFlush = Date.now()
      void qc.invalidateQueries({ queryKey: trpc.events.pathKey() })
      void qc.invalidateQueries({ queryKey: trpc.map.pathKey() })
      setRevision((r) => r + 1)
      for (const id of p.events)
        void qc.invalidateQueries({ queryKey: trpc.feature.get.queryKey({ kind: 'event', id }) })
      p.events.clear()
    }
    const wait = p.lastFlush + gapMs - Date.now()
    if (wait <= 0) flush()
    else p.timer = setTimeout(flush, wait)
  }
  useEffect(
    () => () => {
      if (pending.current.timer) clearTimeout(pending.current.timer)
    },
    [],
  )
  const sub = useSubscription(
    trpc.events.live.subscriptionOptions(undefined, {
      enabled,
      // The first start finds the queries just loaded; a restart (after a drop) may have missed
      // messages: refetch then.
      onStarted: () => {
        if (started.current) refetch(null)
        started.current = true
      },
      onData: (m) => {
        if (m.kind === 'hello') return
        count.current++
        setLast({ eventId: m.eventId, action: m.action, at: m.at })
        refetch(m.eventId)
      },
    }),
  )
  return { status: sub.status, last, received: count.current, revision }
}
