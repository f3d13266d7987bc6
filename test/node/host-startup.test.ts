/**
 * A local cloud whose start-up fails gives back what it opened (timers, socket, database), so a test run whose
 * set-up failed still ends by itself: the start rejects, and jest exits without open handles.
 */
import { startLocalCloud } from '../../local-cloud/host'

it('starting on a port already in use rejects (and leaves nothing running)', async () => {
  const first = await startLocalCloud({ port: 0 })
  try {
    const port = Number(new URL(first.url).port)
    await expect(startLocalCloud({ port, timers: true })).rejects.toMatchObject({ code: 'EADDRINUSE' })
    // The first one is untouched.
    expect((await fetch(`${first.url}/health`)).status).toBe(200)
  } finally {
    await first.close()
  }
})
