import { createContext, useContext } from 'react'
import type { Me } from '../../trpc.ts'

export interface Session {
  me: Me
  /** Ends the session on the server and shows the sign-in screen. */
  signOut: () => void
  signingOut: boolean
}

export const SessionContext = createContext<Session | null>(null)

/** The signed-in user; only below AuthGate, which renders its children only when someone is. */
export function useSession(): Session {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession is used outside AuthGate')
  return session
}
