/**
 * Issue #9, the merchant's catalogue: products with photos from cloud storage, each merchant editing only their
 * own. Runs on the real local cloud (storage on disk, SQLite behind wx-server-sdk).
 */
import type { ProductView } from '@shared/contracts/catalog'
import { DEMO, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { PNG_1PX, WEBP_1PX } from './support/images'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()
const merchant = DEMO.merchant
const otherMerchant = 'test-merchant-2'
const resident = DEMO.residents[0]

/** A photo the merchant uploads through the host, as the app does. */
async function photo(name: string, bytes = PNG_1PX, openid: string = merchant): Promise<string> {
  const res = await fetch(`${cloud.url}/storage/upload?cloudPath=${encodeURIComponent(`products/${name}`)}`, { method: 'POST', headers: { 'X-WX-OPENID': openid }, body: new Uint8Array(bytes) })
  const body = (await res.json()) as { ok: boolean; data: { fileID: string } }
  if (!body.ok) throw new Error(`upload failed: ${JSON.stringify(body)}`)
  return body.data.fileID
}

function productInput(images: string[], extra: Record<string, unknown> = {}) {
  return { name: '阳山水蜜桃', unit: '箱', spec: '5 斤装', category: '水果', description: '产地直发', images, supplyPriceFen: 2500, suggestedPriceFen: 3990, ...extra }
}

async function create(images: string[], extra: Record<string, unknown> = {}, openid: string = merchant) {
  return cloud.call<{ productId: string }>('catalog', openid, { action: 'createProduct', ...productInput(images, extra) })
}

beforeAll(async () => {
  const granted = await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: otherMerchant, role: 'merchant' })
  expect(granted.ok).toBe(true)
})

describe('catalog.createProduct + get', () => {
  it('stores the product and get shows it with temp URLs that serve the photos', async () => {
    const images = [await photo('peach-1.png'), await photo('peach-2.webp', WEBP_1PX)]
    const before = Date.now()
    const created = await create(images)
    expect(created.ok).toBe(true)

    const got = await cloud.call<{ product: ProductView }>('catalog', resident, { action: 'get', productId: created.data.productId })
    expect(got.ok).toBe(true)
    const p = got.data.product
    expect(p).toMatchObject({ productId: created.data.productId, merchantId: merchant, name: '阳山水蜜桃', unit: '箱', spec: '5 斤装', category: '水果', description: '产地直发', images, supplyPriceFen: 2500, suggestedPriceFen: 3990 })
    expect(p.createdAt).toBeGreaterThanOrEqual(before)
    expect(p.imageUrlsExpireAt).toBeGreaterThan(Date.now() + 3600_000)
    const served = await Promise.all(p.imageUrls.map(async (u) => Buffer.from(await (await fetch(u)).arrayBuffer())))
    expect(served).toEqual([PNG_1PX, WEBP_1PX])
    expect(await readDoc('products', created.data.productId)).toMatchObject({ merchantId: merchant, images, version: 1 })
  })

  it('fills absent spec and description with empty strings', async () => {
    const res = await cloud.call<{ productId: string }>('catalog', merchant, { action: 'createProduct', name: '吐司', unit: '袋', category: '烘焙', images: [await photo('toast.png')], supplyPriceFen: 800, suggestedPriceFen: 800 })
    expect(res.ok).toBe(true)
    const got = await cloud.call<{ product: ProductView }>('catalog', merchant, { action: 'get', productId: res.data.productId })
    expect([got.data.product.spec, got.data.product.description]).toEqual(['', ''])
  })

  it('refuses an image that is not in storage (INPUT.INVALID) and stores nothing', async () => {
    const real = await photo('real.png')
    const countBefore = (await cloud.call<{ items: unknown[] }>('catalog', otherMerchant, { action: 'listMine' })).data.items.length
    for (const images of [
      [real, 'cloud://local-env.local-bucket/products/never-uploaded.png'],
      ['cloud://some-other-env.bucket/products/x.png'],
      ['https://example.com/x.png'],
    ]) {
      const res = await create(images, {}, otherMerchant)
      expect(res.error?.code).toBe('INPUT.INVALID')
      expect(res.error?.message).toMatch(/^images\.\d/)
    }
    expect((await cloud.call<{ items: unknown[] }>('catalog', otherMerchant, { action: 'listMine' })).data.items.length).toBe(countBefore)
  })

  it('refuses bad input: no image, 10 images, suggested below supply, zero supply price, long name, unknown keys', async () => {
    const img = await photo('rules.png')
    const cases: Record<string, unknown>[] = [
      { images: [] },
      { images: Array.from({ length: 10 }, () => img) },
      { supplyPriceFen: 4000, suggestedPriceFen: 3990 },
      { supplyPriceFen: 0, suggestedPriceFen: 0 },
      { name: '桃'.repeat(61) },
      { unit: '一二三四五六七八九' },
      { description: 'x'.repeat(2001) },
      { merchantId: otherMerchant },
      { supplyPriceFen: 25.5 },
    ]
    for (const extra of cases) expect([extra, (await create([img], extra)).error?.code]).toEqual([extra, 'INPUT.INVALID'])
  })

  it('a replayed requestId answers with the same product and creates no second one', async () => {
    // A product's photos are its merchant's own uploads (each merchant uploads its own).
    const img = await photo('replay.png', PNG_1PX, otherMerchant)
    const mineImg = await photo('replay-mine.png')
    const first = await create([img], { requestId: 'replay-0001' }, otherMerchant)
    const again = await create([img], { requestId: 'replay-0001', name: '改了名字' }, otherMerchant)
    expect(again.data.productId).toBe(first.data.productId)
    const mine = await cloud.call<{ items: ProductView[] }>('catalog', otherMerchant, { action: 'listMine' })
    expect(mine.data.items.filter((p) => p.productId === first.data.productId).map((p) => p.name)).toEqual(['阳山水蜜桃'])
    // The same requestId from another merchant is their own, separate product.
    const theirs = await create([mineImg], { requestId: 'replay-0001' }, merchant)
    expect(theirs.data.productId).not.toBe(first.data.productId)
  })

  it('get of an unknown product → PRODUCT.NOT_FOUND', async () => {
    expect((await cloud.call('catalog', resident, { action: 'get', productId: 'nope' })).error?.code).toBe('PRODUCT.NOT_FOUND')
  })
})

describe('catalog.updateProduct', () => {
  let productId: string
  beforeAll(async () => {
    productId = (await create([await photo('upd-1.png')])).data.productId
  })

  it('changes only the fields given, re-checks images and bumps updatedAt', async () => {
    const newImage = await photo('upd-2.webp', WEBP_1PX)
    const before = (await readDoc('products', productId))!
    const res = await cloud.call<{ product: ProductView }>('catalog', merchant, { action: 'updateProduct', productId, name: '水蜜桃（大果）', images: [newImage] })
    expect(res.ok).toBe(true)
    expect(res.data.product).toMatchObject({ name: '水蜜桃（大果）', images: [newImage], unit: '箱', supplyPriceFen: 2500, suggestedPriceFen: 3990, createdAt: before.createdAt })
    expect(Buffer.from(await (await fetch(res.data.product.imageUrls[0])).arrayBuffer())).toEqual(WEBP_1PX)
    const after = (await readDoc('products', productId))!
    expect(after).toMatchObject({ name: '水蜜桃（大果）', images: [newImage], spec: '5 斤装', version: before.version + 1 })
    expect(after.updatedAt).toBeGreaterThanOrEqual(before.updatedAt)
  })

  it('checks the price rule on the merged product; nothing changes when it fails', async () => {
    const before = await readDoc('products', productId)
    const tooHigh = await cloud.call('catalog', merchant, { action: 'updateProduct', productId, supplyPriceFen: 5000 })
    expect(tooHigh.error?.code).toBe('INPUT.INVALID')
    const tooLow = await cloud.call('catalog', merchant, { action: 'updateProduct', productId, suggestedPriceFen: 100 })
    expect(tooLow.error?.code).toBe('INPUT.INVALID')
    const missing = await cloud.call('catalog', merchant, { action: 'updateProduct', productId, images: ['cloud://local-env.local-bucket/products/gone.png'] })
    expect(missing.error?.code).toBe('INPUT.INVALID')
    expect(await readDoc('products', productId)).toEqual(before)
    // Both moved together is fine.
    const both = await cloud.call<{ product: ProductView }>('catalog', merchant, { action: 'updateProduct', productId, supplyPriceFen: 5000, suggestedPriceFen: 6000 })
    expect(both.data.product).toMatchObject({ supplyPriceFen: 5000, suggestedPriceFen: 6000 })
  })

  it('two concurrent edits that are each valid but together break the price rule: one wins, the product stays valid', async () => {
    const id = (await create([await photo('race.png')], { supplyPriceFen: 1000, suggestedPriceFen: 2000 })).data.productId
    const [a, b] = await Promise.all([
      cloud.call('catalog', merchant, { action: 'updateProduct', productId: id, supplyPriceFen: 1800 }),
      cloud.call('catalog', merchant, { action: 'updateProduct', productId: id, suggestedPriceFen: 1200 }),
    ])
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1)
    const doc = (await readDoc('products', id))!
    expect(doc.suggestedPriceFen).toBeGreaterThanOrEqual(doc.supplyPriceFen)
    expect(doc.version).toBe(2)
  })
})

describe('authorisation: nobody but the merchant changes a product', () => {
  let productId: string
  let before: Doc | null
  beforeAll(async () => {
    productId = (await create([await photo('mine.png')])).data.productId
    before = await readDoc('products', productId)
  })
  afterEach(async () => {
    expect(await readDoc('products', productId)).toEqual(before)
  })

  it('a resident cannot create, update or list products', async () => {
    const img = await photo('resident.png', PNG_1PX, resident)
    expect((await create([img], {}, resident)).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('catalog', resident, { action: 'updateProduct', productId, name: '被改了' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('catalog', resident, { action: 'listMine' })).error?.code).toBe('AUTH.FORBIDDEN')
  })

  it('a leader cannot either', async () => {
    expect((await cloud.call('catalog', DEMO.leader, { action: 'updateProduct', productId, name: '被改了' })).error?.code).toBe('AUTH.FORBIDDEN')
  })

  it('another merchant gets PRODUCT.NOT_FOUND (as for a missing product)', async () => {
    const res = await cloud.call('catalog', otherMerchant, { action: 'updateProduct', productId, name: '被改了', suggestedPriceFen: 99999 })
    expect(res.error?.code).toBe('PRODUCT.NOT_FOUND')
    const mine = await cloud.call<{ items: ProductView[] }>('catalog', otherMerchant, { action: 'listMine' })
    expect(mine.data.items.map((p) => p.productId)).not.toContain(productId)
  })

  it('no identity → AUTH.UNAUTHENTICATED; identity or merchantId in the event → INPUT.INVALID', async () => {
    expect((await cloud.call('catalog', null, { action: 'get', productId })).error?.code).toBe('AUTH.UNAUTHENTICATED')
    expect((await cloud.call('catalog', otherMerchant, { action: 'updateProduct', productId, merchantId: otherMerchant })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('catalog', otherMerchant, { action: 'updateProduct', productId, openid: merchant, name: 'x' })).error?.code).toBe('INPUT.INVALID')
  })
})

describe('catalog.listMine', () => {
  it('pages through exactly my products, newest first, without repeats', async () => {
    const seller = 'test-merchant-pager'
    expect((await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: seller, role: 'merchant' })).ok).toBe(true)
    const img = await photo('pager.png', PNG_1PX, seller)
    const made: string[] = []
    for (let i = 0; i < 23; i++) made.push((await create([img], { name: `商品 ${i}` }, seller)).data.productId)

    const seen: ProductView[] = []
    let cursor: string | null | undefined
    do {
      const page = await cloud.call<{ items: ProductView[]; nextCursor: string | null }>('catalog', seller, { action: 'listMine', ...(cursor ? { cursor } : {}) })
      expect(page.ok).toBe(true)
      seen.push(...page.data.items)
      cursor = page.data.nextCursor
    } while (cursor)
    expect(seen.map((p) => p.productId).sort()).toEqual([...made].sort())
    expect(seen.every((p) => p.merchantId === seller && p.imageUrls[0].startsWith('http://127.0.0.1:'))).toBe(true)
    const times = seen.map((p) => p.createdAt)
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect((await cloud.call('catalog', seller, { action: 'listMine', cursor: 'garbage' })).error?.code).toBe('INPUT.INVALID')
  })
})

describe('malformed input writes nothing', () => {
  const WRITES = ['database.insertDocument', 'database.modifyDocument', 'database.modifyAndReturnDoc', 'database.removeDocument', 'database.commitTransaction']
  const writes = () => WRITES.reduce((sum, a) => sum + (cloud.db.stats.byAction[a] ?? 0), 0)
  const BAD_TEXT = [1, null, true, {}, [], '', '   ', 'x'.repeat(5000), { $ne: '' }]
  const BAD_FEN = [-1, 0, 1.5, 1e20, '1', 'NaN', null, {}, [], { $inc: 1 }]
  const BAD_IMAGES = ['x', [1], {}, [''], ['../x.png'], ['cloud://a/b c.png'], null, []]
  const BAD_ID = [1, null, {}, '', 'a/b', '../x', 'x'.repeat(65), { $gt: '' }]

  it('createProduct and updateProduct: every bad field → INPUT.INVALID, no write', async () => {
    const img = await photo('malformed.png')
    const productId = (await create([img])).data.productId
    const base = productInput([img])
    const before = writes()
    const wrong: string[] = []
    const check = async (label: string, event: Record<string, unknown>) => {
      const res = await cloud.call('catalog', merchant, event)
      if (res.ok || res.error?.code !== 'INPUT.INVALID') wrong.push(`${label} -> ${res.ok ? 'ok' : res.error?.code}`)
    }
    const fields: Record<string, unknown[]> = { name: BAD_TEXT, unit: BAD_TEXT, category: BAD_TEXT, images: BAD_IMAGES, supplyPriceFen: BAD_FEN, suggestedPriceFen: BAD_FEN.filter((v) => v !== 0) }
    for (const [field, bads] of Object.entries(fields)) {
      const missing: Record<string, unknown> = { action: 'createProduct', ...base }
      delete missing[field]
      await check(`create missing ${field}`, missing)
      for (const bad of bads) {
        await check(`create ${field}=${JSON.stringify(bad)?.slice(0, 30)}`, { action: 'createProduct', ...base, [field]: bad })
        await check(`update ${field}=${JSON.stringify(bad)?.slice(0, 30)}`, { action: 'updateProduct', productId, [field]: bad })
      }
    }
    for (const bad of BAD_ID) await check(`update productId=${JSON.stringify(bad)}`, { action: 'updateProduct', productId: bad, name: 'x' })
    for (const extra of [{ extra: 1 }, { openid: merchant }, { _id: 'x' }, { createdAt: 1 }, { version: 9 }]) {
      await check(`create extra ${Object.keys(extra)[0]}`, { action: 'createProduct', ...base, ...extra })
      await check(`update extra ${Object.keys(extra)[0]}`, { action: 'updateProduct', productId, ...extra })
    }
    expect(wrong).toEqual([])
    expect(writes()).toBe(before)
  })
})
