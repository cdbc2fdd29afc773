import { useQueryClient } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import { useRef, useState } from 'react'
import { trpc } from '../trpc.ts'

/**
 * Live updates of the closed loop (events.live over SSE): every message, and every reconnection
 * (after which missed messages are unknown), refetches the event queries on screen.
 */
export function useLiveEvents(enabled = true) {
  const qc = useQueryClient()
  const [last, setLast] = useState<{ eventId: number; action: string | null; at: string } | null>(null)
  const count = useRef(0)
  const sub = useSubscription(
    trpc.events.live.subscriptionOptions(undefined, {
      enabled,
      onStarted: () => {
        void qc.invalidateQueries({ queryKey: trpc.events.pathKey() })
      },
      onData: (m) => {
        if (m.kind === 'hello') return
        count.current++
        setLast({ eventId: m.eventId, action: m.action, at: m.at })
        void qc.invalidateQueries({ queryKey: trpc.events.pathKey() })
        void qc.invalidateQueries({ queryKey: trpc.feature.get.queryKey({ kind: 'event', id: m.eventId }) })
      },
    }),
  )
  return { status: sub.status, last, received: count.current }
}
