import { useMutation, useQueryClient } from '@tanstack/react-query'
import { TRPCClientError } from '@trpc/client'
import { useState } from 'react'
import { errorMessage, trpc } from '../../trpc.ts'

/** What went wrong with the last step, for the alert: the tRPC code and the server's message. */
export interface LoopError {
  code: string
  message: string
}

export function loopError(error: unknown): LoopError {
  const code = error instanceof TRPCClientError ? String(error.data?.code ?? 'ERROR') : 'ERROR'
  return { code, message: errorMessage(error) }
}

/**
 * One runner for every step taken on an event (transition, whistle, report, score, merge): it
 * refetches the queues and the event after a success, and after a refusal too (a CONFLICT means
 * the event changed meanwhile: the page shows it as it is now). `notice` says what was done.
 */
export function useLoopMutation(eventId: number) {
  const qc = useQueryClient()
  const [error, setError] = useState<LoopError | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: trpc.events.pathKey() }),
      qc.invalidateQueries({ queryKey: trpc.feature.get.queryKey({ kind: 'event', id: eventId }) }),
    ])
  const mutation = useMutation({
    mutationFn: async (job: { run: () => Promise<unknown>; done: string }) => {
      await job.run()
      return job.done
    },
    onMutate: () => {
      setError(null)
      setNotice(null)
    },
    onSuccess: async (done) => {
      setNotice(done)
      await refresh()
    },
    onError: async (e) => {
      setError(loopError(e))
      await refresh()
    },
  })
  return {
    /** Runs `run`; on success shows `done`. Resolves true when it succeeded. */
    run: (run: () => Promise<unknown>, done: string) =>
      mutation
        .mutateAsync({ run, done })
        .then(() => true)
        .catch(() => false),
    pending: mutation.isPending,
    error,
    notice,
    clear: () => {
      setError(null)
      setNotice(null)
    },
  }
}
