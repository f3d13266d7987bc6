/**
 * #19's one-off photo migration (admin.migrateOldPhotos, server/storage/migrate-photos.ts). Rating and 售后 photos
 * stored before attached copies and the `uploads` collection existed name the uploader's folder — so the public list
 * links one person's photos — and nothing records the originals, so once an edit drops one from its rating,
 * deleteMe cannot find it. After the migration: the public views carry no per-person path, every original and copy
 * is recorded as its uploader's, deleteMe deletes them all (also after an edit), and a second run changes nothing.
 */
import { userFolder } from '../../local-cloud/storage'
import { pickedUpGroupBuy, uploadPhoto } from './support/after-pickup'
import { DEMO, database, newRequestId, readAll, testCloudForThisFile, type Doc } from './support/cloud'
import { storedFiles } from './support/images'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()
const P = 'mig-photo-p'
const Q = 'mig-photo-q'
const reader = 'mig-photo-reader'
const cloudPath = (fileID: string) => fileID.replace(/^cloud:\/\/[^/]+\//, '')

/** Every path component a reader of the public list sees for a rating's photos: in the file ids and the URLs. */
function pathComponents(r: Doc): Set<string> {
  const paths = [...(r.images as string[]).map(cloudPath), ...(r.imageUrls as string[]).map((u) => new URL(u).pathname.replace(/^\/storage\/file\//, ''))]
  return new Set(paths.flatMap((p) => p.split('/')))
}
const shared = (a: Set<string>, b: Set<string>) => [...a].filter((x) => b.has(x)).sort()

/** As a document written before #19 looks: it shows the uploader's original, and no `uploads` row names it. */
async function makeOld(collection: string, docId: string, originals: string[], openid: string): Promise<void> {
  await database().collection(collection).doc(docId).update({ data: { images: originals } })
  await database().collection('uploads').where({ openid }).remove()
}

async function migrateAll(): Promise<Doc[]> {
  const steps: Doc[] = []
  let cursor: string | null = null
  do {
    const r: { ok: boolean; data: Doc } = await cloud.call<Doc>('admin', DEMO.admin, { action: 'migrateOldPhotos', ...(cursor ? { cursor } : {}) })
    expect(r.ok).toBe(true)
    steps.push(r.data)
    cursor = r.data.nextCursor
  } while (cursor)
  return steps
}

it('old rating and 售后 photos: moved off the uploader’s folder, recorded, deleted by deleteMe even after an edit; a second run changes nothing', async () => {
  const first = await pickedUpGroupBuy(cloud, { [P]: 2, [Q]: 1 })
  const second = await pickedUpGroupBuy(cloud, { [P]: 1 })
  const originals = [await uploadPhoto(cloud, P, 'feedback/a.png'), await uploadPhoto(cloud, P, 'feedback/b.png'), await uploadPhoto(cloud, Q, 'feedback/c.png'), await uploadPhoto(cloud, P, 'feedback/d.png')]
  const rate = async (who: string, orderId: string, image: string) => {
    const r = await cloud.call<Doc>('feedback', who, { action: 'rate', orderId, stars: 5, text: '好', images: [image] })
    expect(r.ok).toBe(true)
    return r.data.rating as Doc
  }
  const p1 = await rate(P, first.orders[P], originals[0])
  const p2 = await rate(P, second.orders[P], originals[1])
  const q1 = await rate(Q, first.orders[Q], originals[2])
  const asked = await cloud.call<Doc>('afterSales', P, { action: 'request', orderId: first.orders[P], quantity: 1, reason: 'DAMAGED', images: [originals[3]], requestId: newRequestId('mig') })
  expect(asked.ok).toBe(true)
  for (const [r, o, who] of [[p1, originals[0], P], [p2, originals[1], P], [q1, originals[2], Q]] as const) await makeOld('ratings', r.ratingId ?? (await readAll('ratings', { orderId: r.orderId }))[0]._id, [o], who)
  await makeOld('afterSalesCases', asked.data.caseId, [originals[3]], P)

  // Before: the public list shows P's folder on both of P's ratings — one masked 邻居** followed across ratings.
  const list = async (groupBuyId: string) => (await cloud.call<{ items: Doc[] }>('feedback', reader, { action: 'listForGroupBuy', groupBuyId })).data.items
  const before = JSON.stringify([await list(first.groupBuyId), await list(second.groupBuyId)])
  expect(before).toContain(userFolder(P).split('/')[1])

  const steps = await migrateAll()
  expect(steps.reduce((s, x) => s + x.moved, 0)).toBe(4)
  expect(steps.reduce((s, x) => s + x.photos, 0)).toBe(4)

  const [firstList, secondList] = [await list(first.groupBuyId), await list(second.groupBuyId)]
  // (The public list names no order: each rating is found by the photo its own document shows now.)
  const shown = await Promise.all([first.orders[P], second.orders[P], first.orders[Q]].map(async (orderId) => ((await readAll('ratings', { orderId }))[0].images as string[])[0]))
  const [m1, m2, mq] = shown.map((photo, i) => [firstList, secondList, firstList][i].find((r) => r.images[0] === photo)!)
  expect(shared(pathComponents(m1), pathComponents(m2))).toEqual(shared(pathComponents(m1), pathComponents(mq)))
  const publicJson = JSON.stringify([firstList, secondList])
  for (const who of [P, Q]) expect(publicJson).not.toContain(userFolder(who).split('/')[1])
  expect((await fetch(m1.imageUrls[0])).status).toBe(200)
  const caseDoc = (await readAll('afterSalesCases', { _id: asked.data.caseId }))[0]
  expect(cloudPath(caseDoc.images[0]).startsWith('after-sales/')).toBe(true)
  // Every original and copy is its uploader's.
  const recorded = (who: string) => readAll('uploads', { openid: who }).then((u) => u.map((x) => x.fileID).sort())
  expect(await recorded(P)).toEqual([originals[0], originals[1], originals[3], m1.images[0], m2.images[0], caseDoc.images[0]].sort())
  expect(await recorded(Q)).toEqual([originals[2], mq.images[0]].sort())

  // A second run finds nothing to do: no new copies, no new records.
  const files = storedFiles(cloud.storage.dir).length
  const again = await migrateAll()
  expect(again.reduce((s, x) => s + x.moved, 0)).toBe(0)
  expect(storedFiles(cloud.storage.dir).length).toBe(files)
  expect((await recorded(P)).length).toBe(6)

  // P edits a rating to another photo (the migrated copy is dropped), then deletes the account: every file P
  // stored — the originals no document shows any more included — is gone; Q's are untouched.
  const extra = await uploadPhoto(cloud, P, 'feedback/e.png')
  expect((await cloud.call('user', P, { action: 'recordUpload', fileID: extra })).ok).toBe(true)
  expect((await cloud.call('feedback', P, { action: 'edit', orderId: first.orders[P], stars: 4, images: [extra] })).ok).toBe(true)
  expect((await cloud.call('user', P, { action: 'deleteMe', confirm: true })).ok).toBe(true)
  const left = storedFiles(cloud.storage.dir)
  expect([originals[0], originals[1], originals[3], extra, m2.images[0], caseDoc.images[0]].map(cloudPath).filter((f) => left.includes(f))).toEqual([])
  expect(left.filter((f) => f.startsWith(userFolder(P) + '/'))).toEqual([])
  expect(left).toEqual(expect.arrayContaining([cloudPath(originals[2]), cloudPath(mq.images[0])]))
})

it('only an admin runs it', async () => {
  for (const who of [P, DEMO.leader, DEMO.merchant]) expect((await cloud.call('admin', who, { action: 'migrateOldPhotos' })).error?.code).toBe('AUTH.FORBIDDEN')
})
