import { execFileSync } from 'child_process'
import path from 'path'
import { startLocalCloud, startTimers, toCronerPattern, type LocalCloud } from '../../local-cloud/host'

type Reply = { ok: boolean; data?: Record<string, unknown>; error?: { code: string } }

describe('timer triggers', () => {
  it("maps CloudBase's 7-field cron onto croner's 6 fields", () => {
    expect(toCronerPattern('0 */1 * * * * *')).toBe('0 */1 * * * *')
    expect(() => toCronerPattern('0 0 2 1 * * 2027')).toThrow(/year/)
  })

  it('fires a function on its schedule', async () => {
    const fired: string[] = []
    const fns = new Map([['tick', { name: 'tick', main: async () => null, triggers: [{ name: 'everySecond', type: 'timer' as const, config: '* * * * * * *' }] }]])
    const crons = startTimers(fns, async (name) => fired.push(name))
    await new Promise((r) => setTimeout(r, 2200))
    crons.forEach((c) => c.stop())
    expect(fired.length).toBeGreaterThanOrEqual(2)
    expect(new Set(fired)).toEqual(new Set(['tick']))
  })
})

describe('the bundled functions (what is uploaded) run on the local cloud', () => {
  let cloud: LocalCloud
  beforeAll(async () => {
    const root = path.resolve(__dirname, '../..')
    execFileSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/build-cloud.ts'], { cwd: root, stdio: 'pipe' })
    cloud = await startLocalCloud({ port: 0, seed: true, adminOpenids: ['demo-admin'], useBundles: true })
  }, 60_000)
  afterAll(() => cloud.close())

  it('answers as the caller named in X-WX-OPENID, never as the body claims', async () => {
    const res = await fetch(`${cloud.url}/fn/user`, { method: 'POST', headers: { 'X-WX-OPENID': 'demo-resident-2' }, body: JSON.stringify({ action: 'me' }) })
    const body = (await res.json()) as Reply
    expect(body.ok).toBe(true)
    expect(body.data?.openid).toBe('demo-resident-2')
    const forged = (await (await fetch(`${cloud.url}/fn/user`, { method: 'POST', body: JSON.stringify({ action: 'me', openid: 'demo-admin' }) })).json()) as Reply
    expect(forged).toMatchObject({ ok: false, error: { code: 'AUTH.UNAUTHENTICATED' } })
  })

  it('serves the seeded group buys through the bundled groupBuy function', async () => {
    const me = (await cloud.invoke('user', { action: 'me' }, 'demo-resident-1')) as Reply
    const list = (await cloud.invoke('groupBuy', { action: 'list', pickupPointId: me.data?.pickupPointId }, 'demo-resident-1')) as Reply
    // Three of the leader's own and one sold from the merchant's offer (帮卖), which carries its photos.
    const items = list.data?.items as { offerId: string | null; imageUrls: string[] }[]
    expect(items).toHaveLength(4)
    expect(items.filter((g) => g.offerId !== null).map((g) => g.imageUrls.length)).toEqual([2])
  })

  it('answers GET /health and 404 for an unknown function', async () => {
    expect((await fetch(`${cloud.url}/health`)).status).toBe(200)
    expect((await fetch(`${cloud.url}/fn/nope`, { method: 'POST', body: '{}' })).status).toBe(404)
  })
})
