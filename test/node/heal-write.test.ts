/**
 * The heal's one write (server/heal.ts, used by the rating aggregates and the point balances): a recount replaces a
 * kept counter only if nobody moved it since it was read — a heal never overwrites a change it did not count.
 */
import { replaceByRecount } from '@server/heal'
import { database, readDoc, testCloudForThisFile } from './support/cloud'

jest.setTimeout(60_000)
testCloudForThisFile()

it('replaces the counter it read, and nothing that moved after', async () => {
  const db = database()
  await db.collection('members').add({ data: { _id: 'heal-1', points: 10, version: 3, updatedAt: 1 } })
  // A move landed after the heal read version 2: the heal's write must not happen.
  expect(await replaceByRecount(db, 'members', { _id: 'heal-1', version: 2 }, { _id: 'heal-1', points: 7 }, { points: 7 }, 5)).toBe('raced')
  expect(await readDoc('members', 'heal-1')).toMatchObject({ points: 10, version: 3, updatedAt: 1 })
  // Read at the current version: replaced once, and the version moves on.
  expect(await replaceByRecount(db, 'members', { _id: 'heal-1', version: 3 }, { _id: 'heal-1', points: 7 }, { points: 7 }, 5)).toBe('healed')
  expect(await readDoc('members', 'heal-1')).toMatchObject({ points: 7, version: 4, updatedAt: 5 })
  expect(await replaceByRecount(db, 'members', { _id: 'heal-1', version: 3 }, { _id: 'heal-1', points: 1 }, { points: 1 }, 6)).toBe('raced')
  expect(await readDoc('members', 'heal-1')).toMatchObject({ points: 7, version: 4 })
})

it('creates a missing counter at version 1, unless someone created it meanwhile', async () => {
  const db = database()
  expect(await replaceByRecount(db, 'members', null, { _id: 'heal-2', points: 4 }, { points: 4 }, 9)).toBe('healed')
  expect(await readDoc('members', 'heal-2')).toMatchObject({ points: 4, version: 1, updatedAt: 9 })
  expect(await replaceByRecount(db, 'members', null, { _id: 'heal-2', points: 8 }, { points: 8 }, 10)).toBe('raced')
  expect(await readDoc('members', 'heal-2')).toMatchObject({ points: 4, version: 1 })
})
