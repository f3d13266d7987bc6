import { DEMO_IDENTITIES } from '@shared/demo-identities'
import { DEMO } from '../../local-cloud/seed'
import { testCloudForThisFile } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

interface Holder {
  openid: string
  roles: string[]
  boundPickupPointId: string | null
  boundPickupPointName: string | null
}

async function allHolders(): Promise<Holder[]> {
  const out: Holder[] = []
  let cursor: string | undefined
  do {
    const res = await cloud.call<{ items: Holder[]; nextCursor: string | null }>('admin', DEMO.admin, { action: 'listRoles', ...(cursor ? { cursor } : {}) })
    expect(res.ok).toBe(true)
    out.push(...res.data.items)
    cursor = res.data.nextCursor ?? undefined
  } while (cursor)
  return out
}

describe('admin.listRoles', () => {
  it('lists who holds which granted role, with the pickup point they work at; plain residents are not listed', async () => {
    const holders = await allHolders()
    const byId = new Map(holders.map((h) => [h.openid, h]))
    expect(byId.get(DEMO.leader)).toMatchObject({ roles: expect.arrayContaining(['leader']), boundPickupPointId: cloud.pickupPointId, boundPickupPointName: '幸福里社区' })
    expect(byId.get(DEMO.otherClerk)).toMatchObject({ roles: ['clerk'], boundPickupPointName: '阳光花园' })
    expect(byId.get(DEMO.merchant)).toMatchObject({ roles: ['merchant'], boundPickupPointId: null })
    for (const r of DEMO.residents) expect(byId.has(r)).toBe(false)
  })

  it('seeds each demo identity of the switcher (src/shared/demo-identities.ts) as the role it is shown as', async () => {
    for (const d of DEMO_IDENTITIES) {
      const me = await cloud.call<{ openid: string; roles: string[] }>('user', d.openid, { action: 'me' })
      expect(me.data).toMatchObject({ openid: d.openid, roles: expect.arrayContaining([d.role]) })
    }
  })

  it('shows a new grant at once', async () => {
    const grant = await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: 'new-clerk-x', role: 'clerk', pickupPointId: cloud.otherPickupPointId })
    expect(grant.ok).toBe(true)
    const holders = await allHolders()
    expect(holders.find((h) => h.openid === 'new-clerk-x')).toMatchObject({ roles: ['clerk'], boundPickupPointId: cloud.otherPickupPointId })
  })

  it('is for admins only and refuses a forged cursor', async () => {
    expect((await cloud.call('admin', DEMO.leader, { action: 'listRoles' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('admin', DEMO.admin, { action: 'listRoles', cursor: 'not-a-cursor' })).error?.code).toBe('INPUT.INVALID')
  })
})
