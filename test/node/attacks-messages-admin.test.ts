/**
 * Audit: messages (subscribe messages, outbox, notices, marketing), the user's own data (contact, consents) and the
 * admin function, attacked the way their participants would (resident, leader, clerk, merchant, admin, and a crash).
 * `REFUSED:` the system resisted (a regression test); `BUG (fixed):` the attack got through and is fixed, the test
 * failing on the code before the fix (checked): a marketing push sent after its resident withdrew consent, two
 * marketing messages in one China day, a second launch's `notified` over-counted, a 收货人 of invisible characters,
 * two role grants at once breaking the one-binding rule, two reconciles in one millisecond, and settle cut between
 * claiming a push and spending its consent, which lost the push for good.
 */
import { subscriptionIdFor } from '@server/messages/notify'
import { userFolder } from '../../local-cloud/storage'
import { pickedUpGroupBuy, uploadPhoto } from './support/after-pickup'
import { database, DEMO, must, readAll, readDoc, testCloudForThisFile, type Doc, type TestCloud } from './support/cloud'
import { storedFiles } from './support/images'
import { dieAt, quietCrashLogs } from './support/crash'

jest.setTimeout(300_000)

const cloud = testCloudForThisFile()
const DAY = 86_400_000
let uid = 0
const tagOf = (t: string) => `${t}${++uid}${Math.random().toString(36).slice(2, 6)}`

quietCrashLogs()

const settle = async (n = 1) => {
  for (let i = 0; i < n; i++) await cloud.fireTimer('settle')
}

/** A fresh pickup point with `n` residents living there who turned marketing consent on (an audience of n). */
async function consentingAudience(tag: string, n = 10): Promise<{ point: string; R: (i: number) => string }> {
  const made = await must(cloud.call<{ pickupPointId: string }>('admin', DEMO.admin, { action: 'createPickupPoint', name: `审计${tag}`, address: '审计路 1 号', storeName: '审计店' }), 'createPickupPoint')
  const R = (i: number) => `amsg-${tag}-${String(i).padStart(2, '0')}`
  for (let i = 1; i <= n; i++) {
    await must(cloud.call('user', R(i), { action: 'choosePickupPoint', pickupPointId: made.pickupPointId }), 'choosePickupPoint')
    await must(cloud.call('user', R(i), { action: 'setMarketingConsent', consent: true }), 'setMarketingConsent')
  }
  return { point: made.pickupPointId, R }
}

function campaign(point: string, title: string) {
  const now = Date.now()
  return cloud.call<{ campaignId: string; notified: number }>('coupon', DEMO.merchant, {
    action: 'createCampaign', title, valueFen: 500, priceFen: 0, total: 100, limitPerUser: 1, validFrom: now - 1000, validTo: now + DAY, pickupPointIds: [point], audience: { pickupPointIds: [point] },
  })
}

/** What subscribeMessage.send received for this person. */
const sentTo = (openid: string) => cloud.sent.filter((m) => m.touser === openid)
const credits = async (openid: string, template: string) => (await readDoc('subscriptions', subscriptionIdFor(openid, template as 'MARKETING')))?.credits ?? 0

// ─── messages ──────────────────────────────────────────────────────────────────────────────────────────────────

describe('marketing (精准推送) messages', () => {
  it('REFUSED: a resident who accepted the MARKETING subscribe template but never turned marketing consent on gets no notice and no message from a launch', async () => {
    const { point, R } = await consentingAudience(tagOf('nc'))
    const NOT = `amsg-notconsented-${uid}`
    await must(cloud.call('user', NOT, { action: 'choosePickupPoint', pickupPointId: point }), 'choose')
    await must(cloud.call('user', NOT, { action: 'recordConsent', templates: ['MARKETING'] }), 'recordConsent')
    // And one who turned it on, then withdrew it before the launch.
    const GONE = `amsg-withdrawn-${uid}`
    await must(cloud.call('user', GONE, { action: 'choosePickupPoint', pickupPointId: point }), 'choose')
    await must(cloud.call('user', GONE, { action: 'recordConsent', templates: ['MARKETING'] }), 'recordConsent')
    await must(cloud.call('user', GONE, { action: 'setMarketingConsent', consent: true }), 'consent')
    await must(cloud.call('user', GONE, { action: 'setMarketingConsent', consent: false }), 'withdraw')
    expect((await campaign(point, '审计券')).data.notified).toBe(10)
    await settle(2)
    for (const who of [NOT, GONE]) {
      expect(await readAll('notices', { openid: who })).toEqual([])
      expect(await readAll('outbox', { toOpenid: who })).toEqual([])
      expect(sentTo(who)).toEqual([])
      expect(await credits(who, 'MARKETING')).toBe(1)
    }
    expect((await readAll('notices', { openid: R(1), kind: 'MARKETING' })).length).toBe(1)
  })

  it('BUG (fixed): a resident who withdraws marketing consent after a launch but before settle sends still gets the marketing subscribe message (and their consent credit is spent)', async () => {
    const { point, R } = await consentingAudience(tagOf('wd'))
    await must(cloud.call('user', R(1), { action: 'recordConsent', templates: ['MARKETING'] }), 'recordConsent')
    expect((await campaign(point, '撤回后还推')).data.notified).toBe(10)
    // The message is queued (PENDING) for R1. R1 now says: no more marketing.
    expect((await readAll('outbox', { toOpenid: R(1), template: 'MARKETING' })).map((m) => m.status)).toEqual(['PENDING'])
    await must(cloud.call('user', R(1), { action: 'setMarketingConsent', consent: false }), 'withdraw')
    await settle(2)
    // Correct: withdrawal stops what has not gone out yet — no push, the credit kept.
    expect(sentTo(R(1))).toEqual([])
    expect(await credits(R(1), 'MARKETING')).toBe(1)
  })

  it('BUG (fixed): a resident told by notice in a first launch, who then accepts the MARKETING template, is messaged again by a second launch the same day (two marketing messages in one China day)', async () => {
    const { point, R } = await consentingAudience(tagOf('tw'))
    expect((await campaign(point, '第一场')).data.notified).toBe(10)
    await settle()
    expect((await readAll('notices', { openid: R(1), kind: 'MARKETING' })).length).toBe(1)
    // Later that day R1 accepts the marketing template (one credit), and the merchant launches again.
    await must(cloud.call('user', R(1), { action: 'recordConsent', templates: ['MARKETING'] }), 'recordConsent')
    await must(campaign(point, '第二场'), 'second launch')
    await settle(2)
    // Correct: at most one marketing message per resident per China day — R1 already had today's.
    expect(await readAll('outbox', { toOpenid: R(1), template: 'MARKETING' })).toEqual([])
    expect(sentTo(R(1))).toEqual([])
  })

  it('BUG (fixed): a second launch the same day (before settle sent the first) tells the merchant notified: 10 for subscribed residents who are told nothing more', async () => {
    const { point, R } = await consentingAudience(tagOf('nf'))
    for (let i = 1; i <= 10; i++) await must(cloud.call('user', R(i), { action: 'recordConsent', templates: ['MARKETING'] }), 'recordConsent')
    expect((await campaign(point, '第一场')).data.notified).toBe(10)
    const second = await must(campaign(point, '第二场'), 'second launch')
    await settle(2)
    // Nobody got a second message...
    for (let i = 1; i <= 10; i++) expect(sentTo(R(i))).toHaveLength(1)
    // ...so the merchant must be told 0, as the docs promise ("a second same-day campaign … answers notified: 0").
    expect(second.notified).toBe(0)
  })
})

describe('crash while sending a subscribe message', () => {
  it('BUG (fixed): settle killed after claiming a message (SENDING), before spending its consent — the message is never sent by any later settle (lost), though its consent is still there', async () => {
    const { point, R } = await consentingAudience(tagOf('cr'))
    await must(cloud.call('user', R(1), { action: 'recordConsent', templates: ['MARKETING'] }), 'recordConsent')
    await must(campaign(point, '崩溃测试'), 'launch')
    const died = await dieAtWrite(cloud, 'subscriptions', subscriptionIdFor(R(1), 'MARKETING'), () => cloud.fireTimer('settle'))
    expect(died).toBe(true)
    // The claim and the spend are one transaction now: the cut one changed nothing.
    expect((await readAll('outbox', { toOpenid: R(1) })).map((m) => m.status)).toEqual(['PENDING'])
    expect(sentTo(R(1))).toEqual([])
    await settle(3)
    // Correct: nothing went out and no consent was spent, so a later settle sends it — once.
    expect(sentTo(R(1))).toHaveLength(1)
    expect(await credits(R(1), 'MARKETING')).toBe(0)
    expect((await readAll('outbox', { toOpenid: R(1) })).map((m) => m.status)).toEqual(['SENT'])
  })

  it('REFUSED: settle killed after the send, before the message is marked SENT — later settles never send it a second time, and the one consent is spent once', async () => {
    const { point, R } = await consentingAudience(tagOf('cs'))
    await must(cloud.call('user', R(1), { action: 'recordConsent', templates: ['MARKETING'] }), 'recordConsent')
    await must(cloud.call('user', R(1), { action: 'recordConsent', templates: ['MARKETING'] }), 'recordConsent again')
    await must(campaign(point, '发后崩溃'), 'launch')
    const outboxId = (await readAll('outbox', { toOpenid: R(1) }))[0]._id as string
    // Die at the first write to this message after its consent was spent: the SENT mark.
    const died = await dieAfterSpend(cloud, subscriptionIdFor(R(1), 'MARKETING'), outboxId, () => cloud.fireTimer('settle'))
    expect(died).toBe(true)
    expect(sentTo(R(1))).toHaveLength(1)
    await settle(3)
    expect(sentTo(R(1))).toHaveLength(1)
    // Two credits given, one message: one spent.
    expect(await credits(R(1), 'MARKETING')).toBe(1)
  })
})

const WRITES = ['database.insertDocument', 'database.modifyDocument', 'database.modifyAndReturnDoc', 'database.removeDocument']

/** The instance dies at its first write to `collection` whose request mentions `match` (support/crash.ts dieAt). */
async function dieAtWrite(c: TestCloud, collection: string, match: string, run: () => Promise<unknown>): Promise<boolean> {
  return (await dieAt(c, { collection, match }, run)).died
}

/** The instance dies at the SENT mark of outbox/<outboxId>, made after its consent was spent (subscriptions/<subId>). */
async function dieAfterSpend(c: TestCloud, subId: string, outboxId: string, run: () => Promise<unknown>): Promise<boolean> {
  const db = c.db as unknown as { handle(action: string, params?: Record<string, unknown>): Record<string, unknown> }
  const original = db.handle.bind(db)
  let spent = false
  let dead = false
  const spy = jest.spyOn(db, 'handle').mockImplementation((action: string, params?: Record<string, unknown>) => {
    if (dead) return { code: 'SYS_ERR', message: 'simulated crash: the instance is dead' }
    const write = WRITES.includes(action)
    const text = JSON.stringify(params ?? {})
    if (write && params?.collectionName === 'subscriptions' && text.includes(subId)) spent = true
    else if (write && spent && params?.collectionName === 'outbox' && text.includes(outboxId) && text.includes('SENT')) {
      dead = true
      return { code: 'SYS_ERR', message: 'simulated crash before write to outbox' }
    }
    return original(action, params)
  })
  try {
    await run()
  } catch {
    // the dead instance's call
  } finally {
    spy.mockRestore()
  }
  return dead
}

// ─── user ──────────────────────────────────────────────────────────────────────────────────────────────────────

describe('收货人 inputs', () => {
  it('REFUSED: huge, nested or malformed contact fields are INPUT.INVALID and leave the stored contact as it was; emoji within the limit are stored and echoed back exactly', async () => {
    const R = `amsg-contact-${tagOf('c')}`
    const good = { name: '王🍎阿姨', phone: '138 0013 8000', note: '3号楼🚪201' }
    const saved = await must(cloud.call<Doc>('user', R, { action: 'setContact', ...good }), 'setContact')
    expect(saved.contact).toEqual({ name: '王🍎阿姨', phoneMasked: '138****8000', note: '3号楼🚪201' })
    const before = await readDoc('users', R)
    const bad: Doc[] = [
      { name: 'x'.repeat(100_000) },
      { name: '王', note: 'y'.repeat(10_000) },
      { name: '王', phone: '1'.repeat(100_000) },
      { name: '王', phone: '+8613800138000' },
      { name: '王', phone: '138001380001' },
      { name: { $ne: '' } },
      { name: ['王'] },
      { name: '🍎'.repeat(7) }, // 14 UTF-16 units > 12
      { name: '   ' },
      { name: '王', building: '1号楼' },
      { name: '王', phone: 13800138000 },
    ]
    for (const b of bad) {
      const r = await cloud.call('user', R, { action: 'setContact', ...b })
      expect([JSON.stringify(b).slice(0, 60), r.error?.code]).toEqual([JSON.stringify(b).slice(0, 60), 'INPUT.INVALID'])
    }
    expect(await readDoc('users', R)).toEqual(before)
    expect((await must(cloud.call<Doc>('user', R, { action: 'me' }), 'me')).contact).toEqual({ name: '王🍎阿姨', phoneMasked: '138****8000', note: '3号楼🚪201' })
  })

  it('BUG (fixed): a 收货人 name of invisible or control characters only (zero-width spaces, NUL/BEL, bidi overrides) is accepted, so the counter sees a blank or spoofed name', async () => {
    const R = `amsg-ctrl-${tagOf('c')}`
    const names = ['\u200B\u200B\u200B', '\u0000\u0007', '\u202E\u2066', '\u200D', '\u00AD\u2060']
    const accepted: string[] = []
    for (const name of names) {
      const r = await cloud.call('user', R, { action: 'setContact', name })
      if (r.ok) accepted.push(JSON.stringify(name))
    }
    // Correct: a 称呼 must have at least one visible character and no control/format characters.
    expect(accepted).toEqual([])
  })
})

describe('consents and notices are the caller’s own', () => {
  it('REFUSED: recordConsent/setMarketingConsent/markNoticesRead act on the caller only; another resident’s credits, consent and unread count do not move', async () => {
    const VICTIM = `amsg-victim-${tagOf('v')}`
    const ATTACKER = `amsg-attacker-${uid}`
    await must(cloud.call('user', VICTIM, { action: 'setMarketingConsent', consent: false }), 'victim consent')
    const victimBefore = await readDoc('users', VICTIM)
    for (const ev of [
      { action: 'setMarketingConsent', consent: true, openid: VICTIM },
      { action: 'recordConsent', templates: ['MARKETING'], toOpenid: VICTIM },
      { action: 'markNoticesRead', openid: VICTIM },
      { action: 'setContact', name: '冒名', _id: VICTIM },
    ]) expect((await cloud.call('user', ATTACKER, ev)).error?.code).toBe('INPUT.INVALID')
    // Through userInfo (the one field CloudBase adds): ignored, the attacker's own profile changes.
    expect((await cloud.call('user', ATTACKER, { action: 'setMarketingConsent', consent: true, userInfo: { openId: VICTIM, appId: 'x' } })).ok).toBe(true)
    expect((await cloud.call('user', ATTACKER, { action: 'recordConsent', templates: ['MARKETING'], userInfo: { openId: VICTIM, appId: 'x' } })).ok).toBe(true)
    expect(await readDoc('users', VICTIM)).toEqual(victimBefore)
    expect(await credits(VICTIM, 'MARKETING')).toBe(0)
    expect(await credits(ATTACKER, 'MARKETING')).toBe(1)
    expect((await readDoc('users', ATTACKER))!.marketingConsent).toBe(true)
  })
})

// ─── admin ─────────────────────────────────────────────────────────────────────────────────────────────────────

describe('admin actions by non-admins', () => {
  it('REFUSED: every admin action called by a leader, clerk, merchant or resident is AUTH.FORBIDDEN and writes nothing (updatePickupPoint: only the own point’s leader)', async () => {
    const R = DEMO.residents[0]
    const P = cloud.pickupPointId
    const Q = cloud.otherPickupPointId
    const actions: Doc[] = [
      { action: 'createPickupPoint', name: '黑点', address: '某路', storeName: '某店' },
      { action: 'grantRole', openid: R, role: 'merchant' },
      { action: 'grantRole', openid: R, role: 'leader', pickupPointId: P },
      { action: 'listRoles' },
      { action: 'setHandlingFee', pickupPointId: P, handlingFeeFen: 100_000 },
      { action: 'setDelivery', pickupPointId: P, enabled: false, feeFen: 0, buildings: [], slots: [] },
      { action: 'setPointsRule', pointsPerYuan: 100, maxPerRedemption: 100_000 },
      { action: 'getPointsRule' },
      { action: 'reconcile' },
      { action: 'lastReconciliation' },
      { action: 'shippingBacklog' },
      { action: 'migrateOldPhotos' },
      { action: 'migrateLedgerOrders' },
    ]
    const snapshot = async () => JSON.stringify([await readAll('pickupPoints', {}), await readAll('users', {}), await readAll('settings', {}).catch(() => []), (await readAll('reconciliations', {})).length])
    const before = await snapshot()
    for (const caller of [DEMO.leader, DEMO.clerk, DEMO.otherClerk, DEMO.merchant, R, 'amsg-stranger']) {
      for (const a of actions) {
        const r = await cloud.call('admin', caller, a)
        expect([caller, a.action, r.error?.code]).toEqual([caller, a.action, 'AUTH.FORBIDDEN'])
      }
      if (caller !== DEMO.leader) {
        const r = await cloud.call('admin', caller, { action: 'updatePickupPoint', pickupPointId: P, address: '改了' })
        expect([caller, r.error?.code]).toEqual([caller, 'AUTH.FORBIDDEN'])
      }
    }
    // The leader of point 1 cannot touch point 2.
    expect((await cloud.call('admin', DEMO.leader, { action: 'updatePickupPoint', pickupPointId: Q, contactPhone: '13900000000' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect(await snapshot()).toBe(before)
  })
})

describe('admin.grantRole races', () => {
  it('BUG (fixed): two grants at once — leader at point 1 and clerk at point 2 for the same person — both succeed, leaving one binding serving both roles (what ROLE.BOUND_ELSEWHERE exists to prevent)', async () => {
    const WHO = `amsg-race-${tagOf('g')}`
    const [a, b] = await Promise.all([
      cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: WHO, role: 'leader', pickupPointId: cloud.pickupPointId }),
      cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: WHO, role: 'clerk', pickupPointId: cloud.otherPickupPointId }),
    ])
    const user = await readDoc('users', WHO)
    // Correct: one grant wins and the other is refused — the person never holds leader and clerk at two points' worth.
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1)
    expect([a.error?.code, b.error?.code].filter(Boolean)).toEqual(['ROLE.BOUND_ELSEWHERE'])
    expect(user!.roles).toHaveLength(1)
  })
})

describe('admin settings with absurd values', () => {
  it('REFUSED: negative, fractional, string, huge or missing fees and points rules are INPUT.INVALID, and nothing stored changes', async () => {
    const P = cloud.pickupPointId
    const pointBefore = await readDoc('pickupPoints', P)
    const ruleBefore = await must(cloud.call<Doc>('admin', DEMO.admin, { action: 'getPointsRule' }), 'getPointsRule')
    const bad: Doc[] = [
      { action: 'setHandlingFee', pickupPointId: P, handlingFeeFen: -1 },
      { action: 'setHandlingFee', pickupPointId: P, handlingFeeFen: 100_001 },
      { action: 'setHandlingFee', pickupPointId: P, handlingFeeFen: 1.5 },
      { action: 'setHandlingFee', pickupPointId: P, handlingFeeFen: '10' },
      { action: 'setHandlingFee', pickupPointId: P, handlingFeeFen: 1e20 },
      { action: 'setHandlingFee', pickupPointId: P, handlingFeeFen: null },
      { action: 'setHandlingFee', pickupPointId: { $exists: true }, handlingFeeFen: 0 },
      { action: 'setPointsRule', pointsPerYuan: -1, maxPerRedemption: 10 },
      { action: 'setPointsRule', pointsPerYuan: 101, maxPerRedemption: 10 },
      { action: 'setPointsRule', pointsPerYuan: 1, maxPerRedemption: 100_001 },
      { action: 'setPointsRule', pointsPerYuan: 1, maxPerRedemption: Number.MAX_SAFE_INTEGER },
      { action: 'setPointsRule', pointsPerYuan: 0.5, maxPerRedemption: 10 },
      { action: 'setPointsRule', pointsPerYuan: 1 },
      { action: 'setDelivery', pickupPointId: P, enabled: true, feeFen: -100, buildings: ['1号楼'], slots: [] },
      { action: 'setDelivery', pickupPointId: P, enabled: true, feeFen: 1e12, buildings: ['1号楼'], slots: [] },
      { action: 'setDelivery', pickupPointId: P, enabled: true, feeFen: 0, freeOverFen: 0, buildings: ['1号楼'], slots: [] },
    ]
    for (const ev of bad) {
      const r = await cloud.call('admin', DEMO.admin, ev)
      expect([JSON.stringify(ev), r.error?.code]).toEqual([JSON.stringify(ev), 'INPUT.INVALID'])
    }
    expect(await readDoc('pickupPoints', P)).toEqual(pointBefore)
    expect((await must(cloud.call<Doc>('admin', DEMO.admin, { action: 'getPointsRule' }), 'getPointsRule'))).toEqual(ruleBefore)
    // A fee for a point that does not exist is refused and creates nothing.
    expect((await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: 'no-such-point', handlingFeeFen: 10 })).error?.code).toBe('PICKUP_POINT.NOT_FOUND')
    expect(await readDoc('pickupPoints', 'no-such-point')).toBeNull()
  })
})

describe('admin.reconcile and migrations run twice at once', () => {
  it('BUG (fixed): two admin.reconcile calls starting in the same millisecond (a double tap, two admins) — the second answers INTERNAL: its report id is run_<now> and collides', async () => {
    const entriesBefore = JSON.stringify(await readAll('ledgerEntries', {}))
    const reportsBefore = (await readAll('reconciliations', {})).length
    const at = Date.now()
    const clock = jest.spyOn(Date, 'now').mockReturnValue(at)
    let a: Awaited<ReturnType<typeof cloud.call<Doc>>>, b: typeof a
    try {
      ;[a, b] = await Promise.all([cloud.call<Doc>('admin', DEMO.admin, { action: 'reconcile' }), cloud.call<Doc>('admin', DEMO.admin, { action: 'reconcile' })])
    } finally {
      clock.mockRestore()
    }
    // Read-only apart from its report: no money moved either way.
    expect(JSON.stringify(await readAll('ledgerEntries', {}))).toBe(entriesBefore)
    // Correct: both answer the (same) report, each stored under its own id.
    expect([a.ok, a.error?.code, b.ok, b.error?.code]).toEqual([true, undefined, true, undefined])
    expect(a.data.mismatchCount).toBe(b.data.mismatchCount)
    expect((await readAll('reconciliations', {})).length).toBe(reportsBefore + 2)
  })

  it('REFUSED: migrateLedgerOrders and migrateOldPhotos run twice at once (and again) walk to the end and change nothing the second time', async () => {
    const walk = async (actionName: string) => {
      let cursor: string | null = null
      const steps: Doc[] = []
      do {
        const step: Doc = await must(cloud.call<Doc>('admin', DEMO.admin, { action: actionName, ...(cursor ? { cursor } : {}) }), actionName)
        steps.push(step)
        cursor = step.nextCursor
      } while (cursor)
      return steps
    }
    const before = JSON.stringify([await readAll('orders', {}), await readAll('ratings', {}).catch(() => []), await readAll('afterSalesCases', {}).catch(() => [])])
    await Promise.all([walk('migrateLedgerOrders'), walk('migrateLedgerOrders'), walk('migrateOldPhotos'), walk('migrateOldPhotos')])
    const again = [...(await walk('migrateLedgerOrders')), ...(await walk('migrateOldPhotos'))]
    expect(again.reduce((s, x) => s + (x.moved ?? 0), 0)).toBe(0)
    expect(JSON.stringify([await readAll('orders', {}), await readAll('ratings', {}).catch(() => []), await readAll('afterSalesCases', {}).catch(() => [])])).toBe(before)
    // A forged cursor is refused or walks nothing, never someone else's data.
    const forged = await cloud.call<Doc>('admin', DEMO.admin, { action: 'migrateOldPhotos', cursor: '7:zzz' })
    expect(forged.ok ? forged.data.scanned : 0).toBe(0)
  })
  it('REFUSED: migrateOldPhotos run twice at once over a legacy rating photo — the rating shows one copy, every copy either run made is recorded as the resident’s, and deleteMe leaves none of them (nor the original) in storage', async () => {
    const P = `amsg-mig-${tagOf('m')}`
    const gb = await pickedUpGroupBuy(cloud, { [P]: 1 })
    const original = await uploadPhoto(cloud, P, 'feedback/legacy.png')
    await must(cloud.call('feedback', P, { action: 'rate', orderId: gb.orders[P], stars: 5, text: '好', images: [original] }), 'rate')
    const ratingId = (await readAll('ratings', { orderId: gb.orders[P] }))[0]._id as string
    // As a rating written before #19 looks: it shows the uploader's original, and no uploads row names anything.
    await database().collection('ratings').doc(ratingId).update({ data: { images: [original] } })
    await database().collection('uploads').where({ openid: P }).remove()
    const walk = async () => {
      let cursor: string | null = null
      do {
        const step: Doc = await must(cloud.call<Doc>('admin', DEMO.admin, { action: 'migrateOldPhotos', ...(cursor ? { cursor } : {}) }), 'migrateOldPhotos')
        cursor = step.nextCursor
      } while (cursor)
    }
    const filesBefore = new Set(storedFiles(cloud.storage.dir))
    await Promise.all([walk(), walk()])
    const shown = (await readDoc('ratings', ratingId))!.images as string[]
    expect(shown).toHaveLength(1)
    expect(shown[0]).not.toBe(original)
    expect(shown[0]).not.toContain(userFolder(P).split('/')[1])
    const made = storedFiles(cloud.storage.dir).filter((f) => !filesBefore.has(f))
    expect(made.length).toBeGreaterThanOrEqual(1)
    const recorded = (await readAll('uploads', { openid: P })).map((u) => String(u.fileID).replace(/^cloud:\/\/[^/]+\//, ''))
    expect(made.filter((f) => !recorded.includes(f))).toEqual([])
    await must(cloud.call('user', P, { action: 'deleteMe', confirm: true }), 'deleteMe')
    const left = storedFiles(cloud.storage.dir)
    expect([...made, original.replace(/^cloud:\/\/[^/]+\//, '')].filter((f) => left.includes(f))).toEqual([])
  })
})
