/**
 * One way an erased resident is shown: once user.deleteMe has run, the leader sees 已注销用户 on their orders, their
 * ratings and their 售后 cases alike — never a masked name that still looks like a live neighbour's.
 */
import { DEMO, newRequestId, testCloudForThisFile } from './support/cloud'
import { pickedUpGroupBuy } from './support/after-pickup'

jest.setTimeout(60_000)
const cloud = testCloudForThisFile()
const [A, B] = DEMO.residents

it('shows an erased resident as 已注销用户 on orders, ratings and 售后 cases; the others stay masked', async () => {
  const { groupBuyId, orders } = await pickedUpGroupBuy(cloud, { [A]: 2, [B]: 1 })
  for (const who of [A, B]) {
    expect((await cloud.call('feedback', who, { action: 'rate', orderId: orders[who], stars: 4, tags: ['新鲜'], text: '不错' })).ok).toBe(true)
    const asked = await cloud.call('afterSales', who, { action: 'request', orderId: orders[who], quantity: 1, reason: 'QUALITY', requestId: newRequestId('er') })
    expect(asked.ok).toBe(true)
  }
  expect((await cloud.call('user', A, { action: 'deleteMe', confirm: true })).ok).toBe(true)

  const ratings = await cloud.call('feedback', DEMO.leader, { action: 'listForGroupBuy', groupBuyId })
  const cases = await cloud.call('afterSales', DEMO.leader, { action: 'listForMe' })
  const listed = await cloud.call('groupBuy', DEMO.leader, { action: 'participants', groupBuyId })
  const names = (items: Array<{ maskedName: string }>) => items.map((i) => i.maskedName).sort()
  expect(names(ratings.data.items)).toEqual(['已注销用户', '邻居**'])
  expect(names(cases.data.items.filter((c: { groupBuyId: string }) => c.groupBuyId === groupBuyId))).toEqual(['已注销用户', '邻居**'])
  expect(names(listed.data.items)).toEqual(['已注销用户', '邻居**'])
})
