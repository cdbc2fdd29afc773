import { useQueryClient } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import { useEffect, useRef, useState } from 'react'
import { trpc } from '../trpc.ts'

/** A burst of messages (the watcher marking a backlog overdue) refetches once per this. */
const REFETCH_GAP_MS = 400

/**
 * Live updates of the closed loop (events.live over SSE): every message, and every reconnection
 * (after which missed messages are unknown), refetches the event queries on screen — at most once
 * per REFETCH_GAP_MS, however many messages arrive.
 */
export function useLiveEvents(enabled = true) {
  const qc = useQueryClient()
  const [last, setLast] = useState<{ eventId: number; action: string | null; at: string } | null>(null)
  const count = useRef(0)
  const pending = useRef<{ timer: ReturnType<typeof setTimeout> | null; events: Set<number> }>({
    timer: null,
    events: new Set(),
  })
  const refetch = (eventId: number | null) => {
    const p = pending.current
    if (eventId !== null) p.events.add(eventId)
    if (p.timer) return
    p.timer = setTimeout(() => {
      p.timer = null
      void qc.invalidateQueries({ queryKey: trpc.events.pathKey() })
      for (const id of p.events)
        void qc.invalidateQueries({ queryKey: trpc.feature.get.queryKey({ kind: 'event', id }) })
      p.events.clear()
    }, REFETCH_GAP_MS)
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
      onStarted: () => refetch(null),
      onData: (m) => {
        if (m.kind === 'hello') return
        count.current++
        setLast({ eventId: m.eventId, action: m.action, at: m.at })
        refetch(m.eventId)
      },
    }),
  )
  return { status: sub.status, last, received: count.current }
}
