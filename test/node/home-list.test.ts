/**
 * Issue #22: under 最新上架 (groupBuy.list, sort newest) running group buys come first and ended ones last — each
 * part newest first — across pages, every group buy once.
 */
import { createGroupBuy, database, DEMO, testCloudForThisFile, type Doc } from './support/cloud'

jest.setTimeout(60_000)
const cloud = testCloudForThisFile()

it('lists running group buys before ended ones, newest first in each, every one once across pages', async () => {
  const made: string[] = []
  for (let i = 0; i < 5; i++) made.push(await createGroupBuy(cloud, { title: `最新上架 ${i}` }))
  // The two newest have ended (e.g. 截团): they used to lead the list.
  for (const id of made.slice(3)) await database().collection('groupBuys').doc(id).update({ data: { endAt: Date.now() - 1000 } })

  for (const limit of [2, 3, 50]) {
    const seen: Doc[] = []
    let cursor: string | undefined
    for (let guard = 0; guard < 50; guard++) {
      const page = await cloud.call<{ items: Doc[]; nextCursor: string | null }>('groupBuy', DEMO.residents[0], { action: 'list', pickupPointId: cloud.pickupPointId, limit, ...(cursor ? { cursor } : {}) })
      expect(page.ok).toBe(true)
      expect(page.data.items.length).toBeLessThanOrEqual(limit)
      seen.push(...page.data.items)
      if (!page.data.nextCursor) break
      cursor = page.data.nextCursor
    }
    const ids = seen.map((g) => g.groupBuyId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of made) expect(ids).toContain(id)
    const now = Date.now()
    const firstEnded = seen.findIndex((g) => g.endAt <= now)
    expect(firstEnded).toBeGreaterThan(0)
    expect(seen.slice(firstEnded).every((g) => g.endAt <= now)).toBe(true)
    for (const part of [seen.slice(0, firstEnded), seen.slice(firstEnded)]) {
      const created = part.map((g) => g.createdAt as number)
      expect(created).toEqual([...created].sort((a, b) => b - a))
    }
    // Ours: the three running ones first (whatever the other seeded ones), the two ended ones after them.
    const ours = ids.filter((id) => made.includes(id))
    expect(new Set(ours.slice(0, 3))).toEqual(new Set(made.slice(0, 3)))
    expect(new Set(ours.slice(3))).toEqual(new Set(made.slice(3)))
  }
})
