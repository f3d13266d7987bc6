/**
 * One rule, one place: the join's conditional writes are built from the shared rule's conditions
 * (src/shared/domain/group-buy.ts → server/group-buys/conditions.ts). For stored documents of every kind, the
 * database filter selects exactly the documents the shared predicate accepts.
 */
import fc from 'fast-check'
import { JOINABLE_STATUSES, joinableConditions, meets, quotaConditions, stockConditions, type Conditions } from '../../src/shared/domain/group-buy'
import { whereConditions } from '../../server/group-buys/conditions'
import { database, readAll, testCloudForThisFile } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

const STATUSES = ['OPEN', 'SUCCEEDED', 'CLOSED', 'FAILED'] as const

it('the conditional write selects exactly what the shared rule accepts', async () => {
  expect(cloud.pickupPointId).toBeTruthy()
  const db = database()
  const docs = fc.sample(
    fc.record({ status: fc.constantFrom(...STATUSES), startAt: fc.integer({ min: 0, max: 20 }), endAt: fc.integer({ min: 0, max: 20 }), stockLeft: fc.integer({ min: -1, max: 6 }), quantity: fc.integer({ min: 0, max: 6 }) }),
    { numRuns: 300, seed: 15 },
  )
  await Promise.all(docs.map((d, i) => db.collection('groupBuys').add({ data: { _id: `rule-${i}`, kind: 'rule-test', ...d } })))
  const cases: Array<{ name: string; conditions: Conditions<Record<string, unknown>> }> = []
  for (const now of [3, 10, 17]) cases.push({ name: `joinable at ${now}`, conditions: joinableConditions(now) as Conditions<Record<string, unknown>> })
  for (const q of [1, 2, 6]) cases.push({ name: `stock for ${q}`, conditions: stockConditions(q) as Conditions<Record<string, unknown>> })
  for (const [limit, q] of [[3, 1], [3, 3], [5, 2]]) cases.push({ name: `quota ${q} of ${limit}`, conditions: quotaConditions(limit, q) as Conditions<Record<string, unknown>> })
  for (const { name, conditions } of cases) {
    const selected = await readAll<{ _id: string }>('groupBuys', { kind: 'rule-test', ...whereConditions(db.command, conditions) })
    const expected = docs.map((d, i) => (meets(d as Record<string, unknown>, conditions) ? `rule-${i}` : null)).filter(Boolean)
    expect({ name, ids: selected.map((d) => d._id).sort() }).toEqual({ name, ids: [...expected].sort() })
    expect(expected.length).toBeGreaterThan(0) // each case separates the sample, or it would prove nothing
    expect(expected.length).toBeLessThan(docs.length)
  }
  expect(JOINABLE_STATUSES).toEqual(['OPEN', 'SUCCEEDED'])
})
