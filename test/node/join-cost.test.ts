/**
 * Issue #3: the join hot path. Once a warm instance knows a group buy's terms, a successful join costs at most
 * three database operations (quota, stock, order) — the budget that keeps a flash crowd cheap.
 */
import { createGroupBuy, join, testCloudForThisFile } from './support/cloud'

const BUDGET = 3

const cloud = testCloudForThisFile()

async function measuredJoin(openid: string, groupBuyId: string): Promise<number> {
  cloud.db.resetStats()
  const res = await join(cloud, openid, groupBuyId, 1)
  const ops = cloud.db.stats.operations
  expect(res.ok).toBe(true)
  return ops
}

it('a warm join by a new participant costs at most 3 database operations', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2 })
  await join(cloud, 'cost-first', groupBuyId, 1) // caches the group buy's terms
  const ops = await measuredJoin('cost-second', groupBuyId)
  console.log(`warm join, new participant: ${ops} database operations (${JSON.stringify(cloud.db.stats.byAction)})`)
  expect(ops).toBeLessThanOrEqual(BUDGET)
})

it("a warm join by someone who already joined costs at most 3 database operations", async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2 })
  await join(cloud, 'cost-again', groupBuyId, 1)
  const ops = await measuredJoin('cost-again', groupBuyId)
  console.log(`warm join, returning participant: ${ops} database operations (${JSON.stringify(cloud.db.stats.byAction)})`)
  expect(ops).toBeLessThanOrEqual(BUDGET)
})

it('the cold first join reads the terms once more, and no more than that', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2 })
  const ops = await measuredJoin('cost-cold', groupBuyId)
  console.log(`cold join: ${ops} database operations`)
  expect(ops).toBeLessThanOrEqual(BUDGET + 1)
})
