/**
 * #24 posters: groupBuy.shareCode makes the group buy's mini-program code once (wxacode.getUnlimited, kept in
 * storage); the detail page opened with its scene finds the group buy, and a join through it is attributed to the
 * leader (referrerLeader), shown as 来自海报 in the 参团名单. Attribution cannot be forged onto another group buy.
 */
import { inflateSync } from 'zlib'
import { createGroupBuy, DEMO, join, newRequestId, readDoc, testCloudForThisFile } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()
type Code = { fileID: string; tempFileURL: string; scene: string }

it('makes the code once: the same fileID and scene twice, even when asked twice at once, and the file is a PNG of the scene', async () => {
  const groupBuyId = await createGroupBuy(cloud)
  const before = cloud.wxacodeCalls.length
  const [a, b] = await Promise.all([
    cloud.call<Code>('groupBuy', DEMO.leader, { action: 'shareCode', groupBuyId }),
    cloud.call<Code>('groupBuy', DEMO.leader, { action: 'shareCode', groupBuyId }),
  ])
  const c = await cloud.call<Code>('groupBuy', DEMO.leader, { action: 'shareCode', groupBuyId })
  for (const r of [a, b, c]) expect(r.ok).toBe(true)
  expect(b.data.fileID).toBe(a.data.fileID)
  expect(c.data).toMatchObject({ fileID: a.data.fileID, scene: a.data.scene })
  expect(a.data.scene.length).toBeLessThanOrEqual(32)
  expect(a.data.scene).toMatch(/^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/)
  // The third call found the kept code: WeChat was asked at most by the two racing calls, never again.
  const calls = cloud.wxacodeCalls.slice(before)
  expect(calls.length).toBeGreaterThanOrEqual(1)
  expect(calls.length).toBeLessThanOrEqual(2)
  expect(calls[0]).toMatchObject({ scene: a.data.scene, page: 'pages/resident/detail/index', checkPath: false, envVersion: 'develop' })

  const png = Buffer.from(await (await fetch(c.data.tempFileURL)).arrayBuffer())
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG')
  // IHDR: a square image with real pixels (dark modules and light background both present).
  const side = png.readUInt32BE(16)
  expect(png.readUInt32BE(20)).toBe(side)
  const idat = png.indexOf('IDAT')
  const pixels = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)))
  expect(pixels.length).toBe((side + 1) * side)
  expect(pixels.includes(0x00) && pixels.includes(0xff)).toBe(true)
})

it('only the group buy\'s leader makes its code', async () => {
  const groupBuyId = await createGroupBuy(cloud)
  expect(await cloud.call('groupBuy', DEMO.residents[0], { action: 'shareCode', groupBuyId })).toMatchObject({ ok: false, error: { code: 'AUTH.FORBIDDEN' } })
  expect(await cloud.call('groupBuy', DEMO.merchant, { action: 'shareCode', groupBuyId })).toMatchObject({ ok: false, error: { code: 'AUTH.FORBIDDEN' } })
  expect(await cloud.call('groupBuy', DEMO.leader, { action: 'shareCode', groupBuyId: 'nope' })).toMatchObject({ ok: false, error: { code: 'GROUP_BUY.NOT_FOUND' } })
})

it('a detail opened with the scene shows the group buy, and the join through it records the referrer, shown as 来自海报', async () => {
  const groupBuyId = await createGroupBuy(cloud, { limitPerUser: 5 })
  const code = await cloud.call<Code>('groupBuy', DEMO.leader, { action: 'shareCode', groupBuyId })
  const opened = await cloud.call<{ groupBuy: { groupBuyId: string } }>('groupBuy', DEMO.residents[1], { action: 'get', scene: code.data.scene })
  expect(opened.data.groupBuy.groupBuyId).toBe(groupBuyId)

  const viaPoster = await cloud.call<{ orderId: string }>('groupBuy', DEMO.residents[1], { action: 'join', groupBuyId, quantity: 1, requestId: newRequestId(), scene: code.data.scene })
  expect(viaPoster.ok).toBe(true)
  const plain = await join(cloud, DEMO.residents[2], groupBuyId, 1)
  expect((await readDoc('orders', viaPoster.data.orderId))?.referrerLeader).toBe(DEMO.leader)
  expect((await readDoc('orders', plain.data.orderId))?.referrerLeader).toBeUndefined()

  const list = await cloud.call<{ items: Array<{ seq: number; fromPoster: boolean }> }>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId })
  expect(list.data.items.map((p) => p.fromPoster)).toEqual([true, false])

  // The resident's own export says who referred them by role, never by the leader's openid.
  const exported = (await cloud.call<{ data: { orders: Array<{ _id: string; referrerLeader?: string }> } }>('user', DEMO.residents[1], { action: 'exportMyData' })).data.data
  expect(exported.orders.find((o) => o._id === viaPoster.data.orderId)?.referrerLeader).toBe('团长')
  expect(JSON.stringify(exported)).not.toContain(DEMO.leader)
})

it('a scene never issued opens nothing, and another group buy\'s scene attributes nothing', async () => {
  const unknown = await cloud.call('groupBuy', DEMO.residents[0], { action: 'get', scene: 'p' + 'A'.repeat(24) })
  expect(unknown).toMatchObject({ ok: false, error: { code: 'GROUP_BUY.NOT_FOUND' } })
  expect(await cloud.call('groupBuy', DEMO.residents[0], { action: 'get', scene: 'x%20y' })).toMatchObject({ ok: false, error: { code: 'INPUT.INVALID' } })

  const one = await createGroupBuy(cloud)
  const other = await createGroupBuy(cloud)
  const code = await cloud.call<Code>('groupBuy', DEMO.leader, { action: 'shareCode', groupBuyId: one })
  const res = await cloud.call<{ orderId: string }>('groupBuy', DEMO.residents[0], { action: 'join', groupBuyId: other, quantity: 1, requestId: newRequestId(), scene: code.data.scene })
  if (!res.ok) throw new Error(JSON.stringify(res.error))
  expect((await readDoc('orders', res.data.orderId))?.referrerLeader).toBeUndefined()
})
