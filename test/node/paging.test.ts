import { docsOf, eachPage } from '@server/paging'
import { database, testCloudForThisFile } from './support/cloud'

jest.setTimeout(60_000)
testCloudForThisFile()

it('walks every matching document once, in _id pages, and stops when asked', async () => {
  const db = database()
  for (let i = 0; i < 230; i++) await db.collection('members').add({ data: { _id: `pg-${String(i).padStart(3, '0')}`, points: i % 2, version: 1, updatedAt: 0 } })
  const seen: string[] = []
  const sizes: number[] = []
  await eachPage<{ _id: string; points: number }>(db, 'members', { points: 1 }, async (docs) => {
    sizes.push(docs.length)
    seen.push(...docs.map((d) => d._id))
  })
  expect(sizes).toEqual([100, 15])
  expect(seen).toEqual(Array.from({ length: 115 }, (_, i) => `pg-${String(2 * i + 1).padStart(3, '0')}`))
  let pages = 0
  await eachPage(db, 'members', {}, async () => (++pages === 2 ? 'stop' : undefined))
  expect(pages).toBe(2)
  expect((await docsOf<{ _id: string }>(db.collection('members').where({ _id: 'pg-007' }))).map((d) => d._id)).toEqual(['pg-007'])
})
