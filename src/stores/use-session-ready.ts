import { useSessionStore } from './session'

/** Load who we are once per identity; pages call this on show and read the session store reactively. */
export function ensureSession(): Promise<void> {
  const { status, load } = useSessionStore.getState()
  if (status === 'idle' || status === 'error') return load()
  return Promise.resolve()
}
