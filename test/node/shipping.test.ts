/**
 * Issue #20: shipping info at handover (小程序发货信息管理服务). A handed-over order is recorded with WeChat once
 * per payment, from a queue settle works through with retries, never holding up the clerk; an order refunded in
 * full is never recorded.
 */
import type { AdminOutputs } from '@shared/contracts/admin'
import { processDueRefunds, requestRefund } from '@server/payments/refunds'
import { processDueShipping, queueDueShipping, queueShipping } from '@server/payments/shipping'
import { ShippingSimulator } from '../../local-cloud/shipping-sim'
import { DEMO, createGroupBuy, database, readAll, readDoc, testCloudForThisFile } from './support/cloud'
import { paidOrder } from './support/ledger'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()

async function readyOrder(openid: string, title = '自提测试品'): Promise<{ orderId: string; code: string }> {
  const groupBuyId = await createGroupBuy(cloud, { priceFen: 1200, minParticipants: 1, title })
  const orderId = await paidOrder(cloud, openid, groupBuyId, 2)
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
  const order = await cloud.call<{ order: { pickupCode: string } }>('order', openid, { action: 'get', orderId })
  return { orderId, code: order.data.order.pickupCode }
}

describe('shipping info at handover', () => {
  it('20 concurrent verifications of one order → one handover, one queued record, one upload as WeChat wants it', async () => {
    const { orderId, code } = await readyOrder('sh-a', '赣南脐橙 5斤')
    const replies = await Promise.all(Array.from({ length: 20 }, () => cloud.call('pickup', DEMO.clerk, { action: 'verify', code })))
    expect(replies.filter((r) => r.ok)).toHaveLength(1)
    // The hand-over marked the order (#23: in its own write of the order); the clerk's answer did not wait for
    // WeChat: nothing is queued or uploaded until settle runs.
    const handed = (await readDoc('orders', orderId))!
    expect(handed.shippingDueAt).toBe(handed.pickedUpAt)
    expect(await readAll('shippingUploads', { orderId })).toHaveLength(0)
    expect(cloud.shipping.uploadsFor(orderId)).toBe(0)

    await Promise.all([cloud.fireTimer('settle'), cloud.fireTimer('settle')])
    await cloud.fireTimer('settle')
    expect(await readAll('shippingUploads', { orderId })).toHaveLength(1)
    expect((await readDoc('orders', orderId))!.shippingDueAt).toBe(0)
    expect(cloud.shipping.uploadsFor(orderId)).toBe(1)
    const [item] = cloud.shipping.list().filter((i) => i.outTradeNo === orderId)
    expect(item).toMatchObject({ outTradeNo: orderId, logisticsType: 4, deliveryMode: 1, itemDesc: '赣南脐橙 5斤*2', payerOpenid: 'sh-a' })
    expect(item.uploadTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/)
    const pickedUpAt = (await readDoc('orders', orderId))!.pickedUpAt as number
    expect(Date.parse(item.uploadTime)).toBe(pickedUpAt)
    expect(await readDoc('shippingUploads', `sh_${orderId}`)).toMatchObject({ status: 'ACCEPTED' })

    // The record keeps the books after the payer deletes their account, but no longer names them.
    expect((await cloud.call('user', 'sh-a', { action: 'deleteMe', confirm: true })).ok).toBe(true)
    expect(JSON.stringify(await readDoc('shippingUploads', `sh_${orderId}`))).not.toContain('sh-a')
  })

  it('uploads are retried after failures and accepted once; the admin sees the backlog meanwhile', async () => {
    const { orderId, code } = await readyOrder('sh-b')
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code })).ok).toBe(true)
    // Marked, not queued yet: the admin sees it already.
    const marked = await cloud.call<AdminOutputs['shippingBacklog']>('admin', DEMO.admin, { action: 'shippingBacklog' })
    expect(marked.data.items.find((i) => i.orderId === orderId)).toMatchObject({ attempts: 0, lastError: null })
    cloud.shipping.failNext(3)
    const callsBefore = cloud.shipping.calls
    let t = Date.now()
    expect((await queueDueShipping(database())).queued).toBeGreaterThanOrEqual(1)
    await processDueShipping(database(), t)
    const backlog = await cloud.call<AdminOutputs['shippingBacklog']>('admin', DEMO.admin, { action: 'shippingBacklog' })
    expect(backlog.data.items.map((i) => i.orderId)).toContain(orderId)
    expect(backlog.data.items.find((i) => i.orderId === orderId)!.lastError).toMatch(/^-1 /)
    expect((await cloud.call('admin', DEMO.leader, { action: 'shippingBacklog' })).error?.code).toBe('AUTH.FORBIDDEN')

    for (let i = 0; i < 6; i++) {
      t += 3 * 3600_000
      await processDueShipping(database(), t)
    }
    expect(cloud.shipping.calls - callsBefore).toBe(4)
    expect(cloud.shipping.uploadsFor(orderId)).toBe(1)
    const after = await cloud.call<AdminOutputs['shippingBacklog']>('admin', DEMO.admin, { action: 'shippingBacklog' })
    expect(after.data.items.map((i) => i.orderId)).not.toContain(orderId)
  })

  it('a partial hand-over is recorded at the first hand-over, once, however the rest goes out', async () => {
    const { orderId, code } = await readyOrder('sh-p')
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code, quantity: 1 })).ok).toBe(true)
    const first = (await readDoc('orders', orderId))!.shippingDueAt
    expect(first).toBeGreaterThan(0)
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code, quantity: 1 })).ok).toBe(true)
    expect((await readDoc('orders', orderId))!).toMatchObject({ status: 'PICKED_UP', shippingDueAt: first })
    await cloud.fireTimer('settle')
    expect((await readDoc('shippingUploads', `sh_${orderId}`))!.handedOverAt).toBe(first)
    expect(cloud.shipping.uploadsFor(orderId)).toBe(1)
  })

  it('nothing is uploaded for an order refunded in full (before handover, or between queueing and upload)', async () => {
    const before = await readyOrder('sh-c')
    await requestRefund(database(), (await readDoc('orders', before.orderId)) as never, '团长取消', Date.now())
    await processDueRefunds(database(), Date.now())
    expect((await readDoc('orders', before.orderId))!.status).toBe('REFUNDED')
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: before.code })).ok).toBe(false)
    expect(await queueShipping(database(), (await readDoc('orders', before.orderId)) as never, Date.now())).toBe(false)

    // Queued at a handover, then refunded in full before settle uploads it: skipped, never sent.
    const between = await readyOrder('sh-d')
    const order = (await readDoc('orders', between.orderId))!
    expect(await queueShipping(database(), order as never, Date.now())).toBe(true)
    await database().collection('orders').doc(between.orderId).update({ data: { status: 'REFUNDED', refundedFen: order.amountFen } })
    await cloud.fireTimer('settle')
    expect(cloud.shipping.uploadsFor(before.orderId) + cloud.shipping.uploadsFor(between.orderId)).toBe(0)
    expect(await readDoc('shippingUploads', `sh_${between.orderId}`)).toMatchObject({ status: 'SKIPPED' })
    expect(await readAll('shippingUploads', { orderId: before.orderId })).toEqual([])
  })
})

describe('the shipping simulator checks what WeChat checks', () => {
  const good = { orderKey: { orderNumberType: 1, mchid: '1900000109', outTradeNo: 'o1' }, logisticsType: 4, deliveryMode: 1, shippingList: [{ itemDesc: '苹果*1' }], uploadTime: '2026-12-05T16:50:34.269+08:00', payer: { openid: 'u1' } }
  it.each([
    ['an upload time that is not RFC 3339', { uploadTime: '2026-12-05 16:50:34' }, 268485216],
    ['a time zone written with a space', { uploadTime: '2026-12-05T16:50:34.269 08:00' }, 268485216],
    ['an empty shipping list', { shippingList: [] }, 268485228],
    ['two items for a unified delivery', { shippingList: [{ itemDesc: 'a' }, { itemDesc: 'b' }] }, 268485228],
    ['a logistics type outside 1–4', { logisticsType: 5 }, 47001],
    ['an order key without mchid', { orderKey: { orderNumberType: 1, outTradeNo: 'o1' } }, 47001],
  ])('refuses %s', async (_what, change, errCode) => {
    const sim = new ShippingSimulator()
    expect(await sim.api().uploadShippingInfo({ ...good, ...change } as never)).toMatchObject({ errCode })
    expect(sim.list()).toEqual([])
  })
  it('accepts a pickup record, and at most one re-upload per payment', async () => {
    const sim = new ShippingSimulator()
    for (let i = 0; i < 3; i++) await sim.api().uploadShippingInfo(good)
    expect(sim.uploadsFor('o1')).toBe(2)
    expect(sim.list()[0]).toEqual({ outTradeNo: 'o1', logisticsType: 4, deliveryMode: 1, itemDesc: '苹果*1', payerOpenid: 'u1', uploadTime: '2026-12-05T16:50:34.269+08:00' })
  })
})
