/**
 * Audit: catalog, insight and the local cloud's HTTP interface, attacked the way their participants would (merchant,
 * leader, resident, an outsider on the network / a web page in the developer's browser). REFUSED = already resisted (a
 * regression test); BUG (fixed) = the attack got through and is fixed, the test failing on the code before the fix
 * (checked): product photos that were not the merchant's own (a resident's 售后 photo made public), a service moved
 * out of the service categories, and the local host answering any Host, a cross-site POST, and /sim/pay for another
 * payer. One attack is KNOWN, NOT FIXED (`it.failing`: it passes while the leak stands): nine accounts a merchant
 * controls plus one target pass the audience threshold of 10 (docs: a threshold cannot stop fake accounts).
 */
import http from 'http'
import os from 'os'
import { must, database, DEMO, join, newRequestId, readAll, testCloudForThisFile, type Doc } from './support/cloud'
import { payAll, pickUp, uploadPhoto } from './support/after-pickup'
import { createProduct, groupBuyFromOffer, paidOrder, publishOffer } from './support/merchant'
import { JPEG_HEAD, PNG_1PX } from './support/images'
import { chinaToday, newMerchant, newPoint } from './support/insight'

jest.setTimeout(300_000)

const cloud = testCloudForThisFile()
const DAY = 86_400_000

/** A raw HTTP request (fetch may not let a caller set Host). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<{ status: number; text: string }> {
  const u = new URL(cloud.url)
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: Number(u.port), method, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

/** A 帮卖 round for `merchant`: product, offer, demo-leader's group buy, the buyers paid, ended, arrived short by `short`, picked up. */
async function supplyRound(merchant: string, buyers: Record<string, number>, short = 0, category = '水果'): Promise<{ productId: string; groupBuyId: string; orders: Record<string, string> }> {
  const productId = await createProduct(cloud, { merchantId: merchant, name: `审计商品-${merchant}`, category })
  const offerId = await publishOffer(cloud, productId, merchant)
  const groupBuyId = await groupBuyFromOffer(cloud, DEMO.leader, offerId, { priceFen: 1990, minParticipants: 1, limitPerUser: 10 })
  const orders = await payAll(cloud, groupBuyId, buyers)
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1 } })
  await cloud.fireTimer('settle')
  const paid = Object.values(buyers).reduce((a, b) => a + b, 0)
  await must(cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, receivedQuantity: paid - short }), 'markArrived')
  for (const [openid, orderId] of Object.entries(orders)) {
    const o = await must(cloud.call<{ order: { status: string } }>('order', openid, { action: 'get', orderId }), 'order.get')
    if (o.order.status === 'READY_FOR_PICKUP') await pickUp(cloud, openid, orderId)
  }
  return { productId, groupBuyId, orders }
}

// ───────────────────────────────────────────── catalog ─────────────────────────────────────────────

describe('catalog', () => {
  it('BUG (fixed; CloudBase too): a merchant plants a resident’s after-sales photo (shown only to the deciders) as a public product photo; catalog.get then signs it for every resident', async () => {
    const M = await newMerchant(cloud, 'audit-cat-plant-m')
    const R = 'audit-cat-plant-res'
    const { orders } = await supplyRound(M, { [R]: 2 })
    // The resident complains with a photo of the goods at home (their door, their kitchen...): for the merchant's eyes only.
    const photo = await uploadPhoto(cloud, R, 'as/broken.png')
    await must(cloud.call('afterSales', R, { action: 'request', orderId: orders[R], quantity: 1, reason: 'QUALITY', text: '坏了', images: [photo], requestId: newRequestId('as') }), 'afterSales.request')
    const inbox = await must(cloud.call<{ items: Doc[] }>('afterSales', M, { action: 'listForMe' }), 'listForMe')
    const attached = inbox.items[0].images[0] as string
    expect(attached).toMatch(/after-sales\//)
    // The merchant puts that file id among a product's photos (and another merchant's photo next to it).
    const created = await cloud.call<{ productId: string }>('catalog', M, {
      action: 'createProduct', name: '审计植入', unit: '盒', category: '水果', images: [attached], supplyPriceFen: 1000, suggestedPriceFen: 2000,
    })
    // What a resident browsing the catalogue gets: a signed URL that serves the complaint photo.
    let served = false
    if (created.ok) {
      const seen = await must<{ product: Doc }>(cloud.call('catalog', DEMO.residents[1], { action: 'get', productId: created.data.productId }), 'get')
      const url = seen.product.imageUrls[0] as string
      served = !!url && (await fetch(url)).status === 200
    }
    // Correct: only the merchant's own uploads are accepted (as checkOwnPhotos requires of residents): refused, nothing served.
    expect({ accepted: created.ok, served }).toEqual({ accepted: false, served: false })
    expect(created.error?.code).toBe('INPUT.INVALID')
  })

  it('BUG (fixed; CloudBase too): a merchant reuses another merchant’s product photo as its own (updateProduct accepts any stored file id)', async () => {
    const M1 = await newMerchant(cloud, 'audit-cat-photo-m1')
    const M2 = await newMerchant(cloud, 'audit-cat-photo-m2')
    const p1 = await createProduct(cloud, { merchantId: M1, name: 'M1 的葡萄' })
    const p2 = await createProduct(cloud, { merchantId: M2, name: 'M2 的葡萄' })
    const theirs = (await must<{ product: Doc }>(cloud.call('catalog', M2, { action: 'get', productId: p1 }), 'get')).product.images[0] as string
    const res = await cloud.call('catalog', M2, { action: 'updateProduct', productId: p2, images: [theirs] })
    expect(res.ok).toBe(false)
    expect(res.error?.code).toBe('INPUT.INVALID')
  })

  it('REFUSED: no action deletes a product (ACTION.UNKNOWN for deleteProduct/removeProduct), for its own merchant or another; it stays', async () => {
    const M = await newMerchant(cloud, 'audit-cat-del-m')
    const p = await createProduct(cloud, { merchantId: M })
    for (const [who, action] of [[M, 'deleteProduct'], [DEMO.merchant, 'deleteProduct'], [DEMO.merchant, 'removeProduct'], [DEMO.admin, 'deleteProduct']] as const) {
      const res = await cloud.call('catalog', who, { action, productId: p })
      expect(res.ok).toBe(false)
      expect(res.error?.code).toBe('ACTION.UNKNOWN')
    }
    expect((await cloud.call('catalog', M, { action: 'get', productId: p })).ok).toBe(true)
  })

  it('REFUSED: a leader and a clerk cannot create, update or list products (AUTH.FORBIDDEN); the product is unchanged', async () => {
    const p = await createProduct(cloud)
    const before = (await readAll('products', { _id: p }))[0]
    for (const who of [DEMO.leader, DEMO.clerk]) {
      const c = await cloud.call('catalog', who, { action: 'createProduct', name: 'x', unit: '个', category: '水果', images: [before.images[0]], supplyPriceFen: 1, suggestedPriceFen: 1 })
      const u = await cloud.call('catalog', who, { action: 'updateProduct', productId: p, supplyPriceFen: 1 })
      const l = await cloud.call('catalog', who, { action: 'listMine' })
      for (const r of [c, u, l]) expect(r.error?.code).toBe('AUTH.FORBIDDEN')
    }
    expect((await readAll('products', { _id: p }))[0]).toEqual(before)
  })

  it('REFUSED: updateProduct cannot change kind (GOODS → SERVICE), nor set a merchantId or version; nothing written', async () => {
    const M = await newMerchant(cloud, 'audit-cat-kind-m')
    const p = await createProduct(cloud, { merchantId: M })
    const before = (await readAll('products', { _id: p }))[0]
    for (const patch of [{ kind: 'SERVICE' }, { merchantId: DEMO.merchant }, { version: 99 }, { durationMinutes: 60 }, { supplyPriceFen: -1 }, { suggestedPriceFen: 100_000_001 }, { description: 'x'.repeat(2001) }]) {
      const res = await cloud.call('catalog', M, { action: 'updateProduct', productId: p, ...patch })
      expect(res.ok).toBe(false)
      expect(res.error?.code).toBe('INPUT.INVALID')
    }
    expect((await readAll('products', { _id: p }))[0]).toEqual(before)
  })

  it('BUG (fixed; CloudBase too): updateProduct turns a SERVICE (家政) into category 水果, which createProduct refuses for a service', async () => {
    const M = await newMerchant(cloud, 'audit-cat-svc-m')
    const image = await uploadPhoto(cloud, M, 'svc/clean.png')
    const base = { name: '上门保洁', unit: '次', category: '家政', images: [image], supplyPriceFen: 5000, suggestedPriceFen: 8000, kind: 'SERVICE', durationMinutes: 120, servingPointIds: [cloud.pickupPointId] }
    const asFruit = await cloud.call('catalog', M, { action: 'createProduct', ...base, category: '水果' })
    expect(asFruit.error?.code).toBe('INPUT.INVALID')
    const { productId } = await must<{ productId: string }>(cloud.call('catalog', M, { action: 'createProduct', ...base }), 'createProduct')
    const res = await cloud.call('catalog', M, { action: 'updateProduct', productId, category: '水果' })
    expect(res.ok).toBe(false)
    expect(((await readAll('products', { _id: productId }))[0] as Doc).category).toBe('家政')
  })

  it('REFUSED: editing the product after the offer sold (name, photos, prices) changes neither the offer’s copy nor the group buy’s title and price', async () => {
    const M = await newMerchant(cloud, 'audit-cat-frozen-m')
    const p = await createProduct(cloud, { merchantId: M, name: '原名葡萄' })
    const offerId = await publishOffer(cloud, p, M)
    const gb = await groupBuyFromOffer(cloud, DEMO.leader, offerId)
    await paidOrder(cloud, 'audit-cat-frozen-res', gb, 1)
    const offerBefore = (await readAll('offers', { _id: offerId }))[0]
    const gbBefore = (await readAll('groupBuys', { _id: gb }))[0]
    const newPhoto = await uploadPhoto(cloud, M, 'p/new.png')
    await must(cloud.call('catalog', M, { action: 'updateProduct', productId: p, name: '改名', images: [newPhoto], supplyPriceFen: 2400, suggestedPriceFen: 2500, description: '改' }), 'updateProduct')
    const offerAfter = (await readAll('offers', { _id: offerId }))[0]
    const gbAfter = (await readAll('groupBuys', { _id: gb }))[0]
    expect(offerAfter.product).toEqual(offerBefore.product)
    expect(offerAfter.supplyPriceFen).toBe(offerBefore.supplyPriceFen)
    expect(gbAfter.title).toBe(gbBefore.title)
    expect(gbAfter.priceFen).toBe(gbBefore.priceFen)
  })
})

// ───────────────────────────────────────────── insight ─────────────────────────────────────────────

describe('insight', () => {
  it('REFUSED: a merchant’s dashboard counts only its own group buys at a shared point; another merchant’s sales and the leader’s own group buy are absent', async () => {
    const A = await newMerchant(cloud, 'audit-ins-iso-a')
    const B = await newMerchant(cloud, 'audit-ins-iso-b')
    const gA = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { merchantId: A, name: 'A货' }), A))
    const gB = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { merchantId: B, name: 'B货' }), B))
    await paidOrder(cloud, 'audit-ins-iso-r1', gA, 1)
    await paidOrder(cloud, 'audit-ins-iso-r1', gB, 3)
    await paidOrder(cloud, 'audit-ins-iso-r2', gB, 2)
    const d = await must<Doc>(cloud.call('insight', A, { action: 'dashboard', ...chinaToday() }), 'dashboard')
    expect(d.scope).toEqual({ kind: 'merchant', id: A })
    expect(d.days.reduce((s: number, x: Doc) => s + x.units, 0)).toBe(1)
    expect(d.products.map((p: Doc) => p.name)).toEqual(['A货'])
    const text = JSON.stringify(d)
    for (const leak of ['audit-ins-iso-r1', 'audit-ins-iso-r2', B, DEMO.leader, 'B货']) expect(text).not.toContain(leak)
  })

  it('REFUSED: the date range cannot be stretched (over 366 days, to ≤ from, before 2020, non-numbers) nor a scope / merchantId / pickupPointId passed to read beyond one’s own', async () => {
    const { from, to } = chinaToday()
    const bad: Record<string, unknown>[] = [
      { from: from - 367 * DAY, to },
      { from: to, to: from },
      { from: 0, to },
      { from: String(from), to },
      { from, to, scope: { kind: 'all', id: null } },
      { from, to, merchantId: DEMO.merchant },
      { from, to, pickupPointId: cloud.otherPickupPointId },
    ]
    for (const input of bad) {
      const res = await cloud.call('insight', DEMO.merchant, { action: 'dashboard', ...input })
      expect(res.ok).toBe(false)
      expect(res.error?.code).toBe('INPUT.INVALID')
    }
    // A resident (no role) and a clerk of the other point asking: nothing, or their own point only.
    expect((await cloud.call('insight', DEMO.residents[0], { action: 'dashboard', from, to })).error?.code).toBe('AUTH.FORBIDDEN')
    const clerk2 = await must<Doc>(cloud.call('insight', DEMO.otherClerk, { action: 'dashboard', from, to }), 'dashboard')
    expect(clerk2.scope).toEqual({ kind: 'pickupPoint', id: cloud.otherPickupPointId })
    expect(clerk2.points.every((p: Doc) => p.pickupPointId === cloud.otherPickupPointId)).toBe(true)
  })

  it('REFUSED: after a short arrival (partial refund) and an approved after-sale, the dashboard’s sales and refunds equal a recount of orders and refunds', async () => {
    const M = await newMerchant(cloud, 'audit-ins-recount-m')
    const buyers = { 'audit-ins-rc-1': 2, 'audit-ins-rc-2': 2, 'audit-ins-rc-3': 1 }
    const { groupBuyId, orders } = await supplyRound(M, buyers, 1)
    // An after-sale of 1 unit on the first order, approved by the merchant.
    const c = await must<{ caseId: string }>(cloud.call('afterSales', 'audit-ins-rc-1', { action: 'request', orderId: orders['audit-ins-rc-1'], quantity: 1, reason: 'QUALITY', requestId: newRequestId('as') }), 'request')
    await must(cloud.call('afterSales', M, { action: 'decide', caseId: c.caseId, approve: true }), 'decide')
    for (let i = 0; i < 3; i++) await cloud.fireTimer('settle')
    const refunds = await readAll('refunds', { groupBuyId })
    const done = refunds.filter((r) => r.doneAt && r.doneAt >= chinaToday().from && r.doneAt < chinaToday().to)
    const refundedFen = done.reduce((s, r) => s + (r.refundFen ?? r.amountFen ?? 0), 0)
    expect(done.length).toBeGreaterThanOrEqual(2)
    const paid = await readAll('orders', { groupBuyId })
    const salesFen = paid.filter((o) => o.paidAt).reduce((s, o) => s + o.amountFen, 0)
    const d = await must<Doc>(cloud.call('insight', M, { action: 'dashboard', ...chinaToday() }), 'dashboard')
    const sum = (k: string) => d.days.reduce((s: number, x: Doc) => s + x[k], 0)
    expect(sum('salesFen')).toBe(salesFen)
    expect(salesFen).toBe(5 * 1990)
    expect(sum('refundsFen')).toBe(refundedFen)
    expect(refundedFen).toBe(2 * 1990)
  })

  it.failing('KNOWN, NOT FIXED (passes while the leak stands; CloudBase too): two audience previews combined single out one resident — nine accounts the merchant controls at their own point make {their point + the target’s point, category, 1 day} answer 10 exactly when the one resident there bought', async () => {
    const M = await newMerchant(cloud, 'audit-ins-aud-m')
    const cat = '审计母婴'
    const sybilPoint = await newPoint(cloud, '审计傀儡点')
    const targetPoint = await newPoint(cloud, '审计目标点')
    const gb = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { merchantId: M, name: '纸尿裤', category: cat }), M))
    // Nine accounts of the merchant's (any WeChat user can become a resident), consenting, at a point of their own, buying the merchant's own product.
    for (let i = 0; i < 9; i++) {
      const s = `audit-ins-sybil-${i}`
      await must(cloud.call('user', s, { action: 'choosePickupPoint', pickupPointId: sybilPoint }), 'choose')
      await must(cloud.call('user', s, { action: 'setMarketingConsent', consent: true }), 'consent')
      await paidOrder(cloud, s, gb, 1)
    }
    const T = 'audit-ins-target'
    await must(cloud.call('user', T, { action: 'choosePickupPoint', pickupPointId: targetPoint }), 'choose')
    await must(cloud.call('user', T, { action: 'setMarketingConsent', consent: true }), 'consent')
    const ask = () => cloud.call<{ size: number }>('insight', M, { action: 'audienceSize', audience: { pickupPointIds: [sybilPoint, targetPoint], boughtCategories: [cat], withinDays: 1 } })
    const before = await ask()
    // The target (the only consenting resident at their point) buys 母婴 today: a purchase of any merchant's, not necessarily this one's.
    await paidOrder(cloud, T, gb, 1)
    const after = await ask()
    // Correct: whether one person bought cannot change the answer.
    expect([after.ok, after.data?.size ?? after.error?.code]).toEqual([before.ok, before.data?.size ?? before.error?.code])
  })
})

// ─────────────────────────────────── the local cloud's HTTP interface ───────────────────────────────────

describe('local cloud HTTP interface', () => {
  it('REFUSED (local): over HTTP, identity never comes from the body — a userInfo naming demo-admin with no header is unauthenticated, and the header overrides it', async () => {
    const noHeader = await fetch(`${cloud.url}/fn/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'grantRole', openid: 'audit-http-x', role: 'merchant', userInfo: { appId: 'wx-local-linlituan', openId: DEMO.admin } }) })
    const r1 = (await noHeader.json()) as Doc
    expect(r1.ok).toBe(false)
    const asResident = await fetch(`${cloud.url}/fn/admin`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-WX-OPENID': DEMO.residents[0] }, body: JSON.stringify({ action: 'grantRole', openid: 'audit-http-x', role: 'merchant', userInfo: { appId: 'wx-local-linlituan', openId: DEMO.admin } }) })
    const r2 = (await asResident.json()) as Doc
    expect(r2.ok).toBe(false)
    const me = await must<Doc>(cloud.call('user', 'audit-http-x', { action: 'me' }), 'me')
    expect(me.roles ?? []).not.toContain('merchant')
  })

  it('REFUSED (local): the host listens on loopback only — an outsider on the network cannot connect through the machine’s other addresses', async () => {
    expect(new URL(cloud.url).hostname).toBe('127.0.0.1')
    const port = Number(new URL(cloud.url).port)
    const others = Object.values(os.networkInterfaces()).flat().filter((i): i is os.NetworkInterfaceInfo => !!i && !i.internal && i.family === 'IPv4').map((i) => i.address)
    for (const address of others) {
      const reached = await new Promise<boolean>((resolve) => {
        const req = http.request({ host: address, port, path: '/health', timeout: 2000 }, () => resolve(true))
        req.on('error', () => resolve(false))
        req.on('timeout', () => { req.destroy(); resolve(false) })
        req.end()
      })
      expect([address, reached]).toEqual([address, false])
    }
  })

  it('BUG (fixed; local simulator only; CloudBase checks the caller\'s session): the host answers any Host header, so a web page that DNS-rebinds its name to 127.0.0.1 acts as demo-admin (a public, seeded openid)', async () => {
    const res = await raw('POST', '/fn/admin', { Host: 'evil.example:8787', 'Content-Type': 'application/json', 'X-WX-OPENID': DEMO.admin }, JSON.stringify({ action: 'grantRole', openid: 'audit-rebind-x', role: 'merchant' }))
    // Correct: a Host that is not the loopback address / localhost is refused (421) before any function runs.
    expect([403, 421]).toContain(res.status)
    const me = await must<Doc>(cloud.call('user', 'audit-rebind-x', { action: 'me' }), 'me')
    expect(me.roles ?? []).not.toContain('merchant')
  })

  it('BUG (fixed; local simulator only): a cross-site page drives the money simulators with a no-preflight POST (text/plain, foreign Origin): every coming payout fails for good', async () => {
    const res = await raw('POST', '/sim/transfer-failures', { Origin: 'http://evil.example', 'Content-Type': 'text/plain' }, JSON.stringify({ count: 1000, final: true }))
    try {
      // Correct: a request from another origin is refused (403), nothing changes.
      expect(res.status).toBe(403)
    } finally {
      // Undo what the accepted request armed, so later tests in this file are not affected.
      cloud.transfer.failNext(0)
    }
  })

  it('BUG (fixed; local simulator only): /sim/pay with another resident’s X-WX-OPENID pays that resident’s order (the sheet is only the payer’s; /sim/transfers/confirm already refuses another openid)', async () => {
    const gb = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { merchantId: await newMerchant(cloud, 'audit-sim-pay-m') }), 'audit-sim-pay-m'))
    const joined = await join(cloud, 'audit-sim-pay-victim', gb, 1)
    expect(joined.ok).toBe(true)
    const orderId = (joined.data as Doc).orderId as string
    const res = await raw('POST', '/sim/pay', { 'Content-Type': 'application/json', 'X-WX-OPENID': 'audit-sim-pay-other' }, JSON.stringify({ orderId }))
    expect(res.status).toBe(409)
    const order = (await readAll('orders', { _id: orderId }))[0]
    expect(order.status).toBe('PENDING_PAYMENT')
  })

  it('REFUSED (local): an upload whose cloudPath names another user’s folder lands in the caller’s own folder; the other’s file keeps its bytes', async () => {
    const victim = await uploadPhoto(cloud, DEMO.merchant, 'p/victim.png')
    const victimPath = victim.replace(/^cloud:\/\/[^/]+\//, '')
    const res = await fetch(`${cloud.url}/storage/upload?cloudPath=${encodeURIComponent(victimPath)}`, { method: 'POST', headers: { 'X-WX-OPENID': DEMO.residents[0] }, body: new Uint8Array(Buffer.concat([JPEG_HEAD, Buffer.alloc(16, 7)])) })
    const body = (await res.json()) as Doc
    if (body.ok) expect(body.data.fileID).not.toBe(victim)
    const bytes = cloud.storage.read(victimPath)
    expect(bytes && Buffer.compare(bytes, PNG_1PX)).toBe(0)
    for (const p of [`../${victimPath}`, `a/../../${victimPath}`, `a\\..\\b.png`, '%2e%2e/x.png']) {
      const r = await fetch(`${cloud.url}/storage/upload?cloudPath=${encodeURIComponent(p)}`, { method: 'POST', headers: { 'X-WX-OPENID': DEMO.residents[0] }, body: new Uint8Array(PNG_1PX) })
      expect(r.status).toBe(400)
    }
  })

  it('REFUSED (local): a temp URL signed for one’s own photo does not open another’s file or an export when its path is swapped (403), nor with ../ inside it', async () => {
    const mine = await uploadPhoto(cloud, DEMO.residents[0], 'me.png')
    const theirs = await uploadPhoto(cloud, DEMO.residents[1], 'them.png')
    const url = new URL(cloud.storage.tempUrl(mine.replace(/^cloud:\/\/[^/]+\//, ''), 600))
    const theirPath = theirs.replace(/^cloud:\/\/[^/]+\//, '')
    const swapped = await raw('GET', `/storage/file/${theirPath}${url.search}`, {})
    expect(swapped.status).toBe(403)
    const dotted = await raw('GET', `/storage/file/${mine.replace(/^cloud:\/\/[^/]+\//, '')}/../../${theirPath}${url.search}`, {})
    expect(dotted.status).toBe(403)
    const encoded = await raw('GET', `${url.pathname}/%2e%2e/%2e%2e/${theirPath}${url.search}`, {})
    expect([403, 404]).toContain(encoded.status)
    expect(encoded.text).not.toContain('PNG')
    const ok = await fetch(url)
    expect(ok.status).toBe(200)
  })
})
