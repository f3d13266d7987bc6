/**
 * Issue #22: 收益 and 结算 in plain words (ledger.lines) on the local cloud's real SQLite — one line per order moving
 * 待提货 → 售后期 → 可提现 → 已提现, a shortage named 缺货退款 with its amount, a refund after the money was withdrawn
 * shown as 欠款, one line per payout; each payee sees only their own lines and a merchant no resident; 对账 totals
 * per party and differences named by order.
 */
import type { MoneyLine, PayoutView, ReconcileReport } from '@shared/contracts/ledger'
import type { Page } from '@shared/contracts/common'
import { splitShares } from '@shared/domain/ledger'
import { releaseDue } from '@server/ledger/ledger-flow'
import { processDueRefunds, requestPartialRefund } from '@server/payments/refunds'
import { DEMO, createGroupBuy, database, newRequestId, readAll, readDoc, testCloudForThisFile, type Reply } from './support/cloud'
import { balanceOf, closeGroupBuy, offerGroupBuy, paidOrder, pickUp } from './support/ledger'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()
const FEE = 50
const WINDOW = 48 * 3600_000
const LATER = () => Date.now() + WINDOW + 3600_000

function lines(openid: string, extra: Record<string, unknown> = {}): Promise<Reply<Page<MoneyLine>>> {
  return cloud.call<Page<MoneyLine>>('ledger', openid, { action: 'lines', ...extra })
}

async function allLines(openid: string, as?: 'leader' | 'merchant' | 'store'): Promise<MoneyLine[]> {
  const out: MoneyLine[] = []
  let cursor: string | null | undefined
  do {
    const res = await lines(openid, { ...(as ? { as } : {}), ...(cursor ? { cursor } : {}) })
    if (!res.ok) throw new Error(`lines: ${res.error?.code}`)
    out.push(...res.data.items)
    cursor = res.data.nextCursor
  } while (cursor)
  return out
}

async function lineOf(openid: string, lineId: string, as?: 'leader' | 'merchant' | 'store'): Promise<MoneyLine> {
  const line = (await allLines(openid, as)).find((l) => l.lineId === lineId)
  if (!line) throw new Error(`no line ${lineId} for ${openid}`)
  return line
}

async function payoutAll(openid: string): Promise<string> {
  const available = (await balanceOf(cloud, openid)).availableFen
  const res = await cloud.call<{ payoutId: string }>('ledger', openid, { action: 'requestPayout', amountFen: available, requestId: newRequestId('po') })
  if (!res.ok) throw new Error(`requestPayout: ${res.error?.code}`)
  return res.data.payoutId
}

beforeAll(async () => {
  expect((await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: FEE })).ok).toBe(true)
})

it('a sold-then-picked-up order is one line moving 待提货 → 售后期 → 可提现 → 已提现; its payout is one line, not four', async () => {
  const groupBuyId = await createGroupBuy(cloud, { priceFen: 1000, minParticipants: 1, limitPerUser: 5, title: '本地草莓' })
  const orderId = await paidOrder(cloud, 'ml-a', groupBuyId, 2)
  const share = splitShares(2000, 2, { kind: 'own', supplyPriceFen: 0, commissionBp: 0, tierBonusBp: 0, handlingFeeFen: FEE, platformFeeBp: 500 })

  const sold = await lineOf(DEMO.leader, orderId)
  expect(sold).toMatchObject({ kind: 'ORDER', title: '本地草莓', quantity: 2, shareFen: share.leader, state: 'AWAITING_PICKUP', withdrawableAt: null })
  expect(sold.events.map((e) => [e.reason, e.amountFen])).toEqual([['售出', share.leader]])
  expect(sold.entries.map((e) => [e.kind, e.state, e.amountFen])).toEqual([['SALE', 'FROZEN', share.leader]])
  // The store's line of the same order: its handling fee.
  expect(await lineOf(DEMO.clerk, orderId)).toMatchObject({ shareFen: FEE, state: 'AWAITING_PICKUP' })

  const before = Date.now()
  expect((await pickUp(cloud, 'ml-a', groupBuyId, orderId)).ok).toBe(true)
  const picked = await lineOf(DEMO.leader, orderId)
  expect(picked.state).toBe('AFTER_SALES')
  expect(picked.withdrawableAt).toBeGreaterThanOrEqual(before + WINDOW)
  expect(picked.withdrawableAt).toBeLessThanOrEqual(Date.now() + WINDOW)

  await releaseDue(database(), LATER())
  const released = await lineOf(DEMO.leader, orderId)
  expect(released).toMatchObject({ state: 'AVAILABLE', withdrawableAt: null, shareFen: share.leader })
  expect(released.events.map((e) => e.reason)).toEqual(['售出', '售后期满'])

  const payoutId = await payoutAll(DEMO.leader)
  expect((await lineOf(DEMO.leader, orderId)).state).toBe('PAYOUT_PENDING')
  expect((await cloud.transfer.confirm(payoutId, DEMO.leader)).delivered).toBe(true)
  expect((await cloud.call<PayoutView>('ledger', DEMO.leader, { action: 'refreshPayout', payoutId })).data.state).toBe('SUCCESS')

  const all = await allLines(DEMO.leader)
  expect(all.find((l) => l.lineId === orderId)).toMatchObject({ state: 'PAID_OUT', parts: [{ state: 'PAID_OUT', amountFen: share.leader }] })
  const payoutLines = all.filter((l) => l.kind === 'PAYOUT')
  expect(payoutLines).toHaveLength(1)
  expect(payoutLines[0]).toMatchObject({ lineId: payoutId, state: 'PAID_OUT', shareFen: -share.leader })
  expect(payoutLines[0].entries).toHaveLength(4)
  expect(payoutLines[0].events.map((e) => e.reason)).toEqual(['提现', '提现到账'])
  // Newest first: the payout was asked for after the sale.
  expect(all.findIndex((l) => l.lineId === payoutId)).toBeLessThan(all.findIndex((l) => l.lineId === orderId))
})

/**
 * A reply's values: its texts, its ids (server-made hex may hold any four digits, so they are searched for the
 * resident, not for a phone's tail) and its numbers (timestamps left out, for the same reason).
 */
function valuesOf(value: unknown, key = ''): { texts: string[]; ids: string[]; numbers: number[] } {
  const out = { texts: [] as string[], ids: [] as string[], numbers: [] as number[] }
  const walk = (v: unknown, k: string) => {
    if (typeof v === 'string') {
      if (/(^|[a-z])Id$|^_id$/.test(k)) out.ids.push(v)
      else out.texts.push(v)
    } else if (typeof v === 'number') {
      if (!/(At|^at)$/.test(k)) out.numbers.push(v)
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, k))
    else if (v && typeof v === 'object') for (const [kk, x] of Object.entries(v)) walk(x, kk)
  }
  walk(value, key)
  return out
}

it('a short-shipped order names 缺货退款 and its amount on the merchant’s 结算; the merchant sees no resident', async () => {
  const resident = 'ml-short'
  expect((await cloud.call('user', resident, { action: 'setContact', name: '王阿姨', phone: '13800001234', note: '3号楼2单元' })).ok).toBe(true)
  const groupBuyId = await offerGroupBuy(cloud, { priceFen: 1000, supplyPriceFen: 600, commissionBp: 1000 })
  const orderId = await paidOrder(cloud, resident, groupBuyId, 3)
  await closeGroupBuy(cloud, groupBuyId)
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, receivedQuantity: 2 })).ok).toBe(true)
  await cloud.fireTimer('settle')
  expect((await readDoc('orders', orderId))!.refundedFen).toBe(1000)

  const reply = await lines(DEMO.merchant)
  expect(reply.ok).toBe(true)
  const line = reply.data.items.find((l) => l.lineId === orderId)!
  expect(line).toMatchObject({ title: '帮卖测试品', quantity: 3, keptQuantity: 2, shareFen: 1200, state: 'AWAITING_PICKUP' })
  expect(line.events.map((e) => [e.reason, e.amountFen])).toEqual([['售出', 1800], ['缺货退款', -600]])
  expect(line.entries.find((e) => e.kind === 'REVERSAL')).toMatchObject({ reason: '缺货退款', amountFen: -600 })
  // Every value in the reply: no text holds the resident, the name, the phone or its tail, the note; no number is the
  // phone or its tail. (Searching the whole JSON for "1234" failed now and then on a timestamp like …881234.)
  const { texts, ids, numbers } = valuesOf(reply)
  for (const secret of [resident, '王阿姨', '13800001234', '1234', '3号楼']) expect(texts.filter((t) => t.includes(secret))).toEqual([])
  for (const secret of [resident, '王阿姨', '13800001234', '3号楼']) expect(ids.filter((t) => t.includes(secret))).toEqual([])
  expect(numbers.filter((n) => n === 1234 || n === 13800001234)).toEqual([])
  // The leader's line of the same order: the commission on what was kept.
  expect((await lineOf(DEMO.leader, orderId)).events.map((e) => [e.reason, e.amountFen])).toEqual([['售出', 300], ['缺货退款', -100]])
})

it('a refund after the money was released and withdrawn shows 欠款 on its order’s line; the repayment is one 欠款抵扣 line', async () => {
  const groupBuyId = await createGroupBuy(cloud, { priceFen: 5000, minParticipants: 1, limitPerUser: 5, title: '整箱车厘子' })
  const orderId = await paidOrder(cloud, 'ml-debt', groupBuyId, 2)
  expect((await pickUp(cloud, 'ml-debt', groupBuyId, orderId)).ok).toBe(true)
  await releaseDue(database(), LATER())
  await payoutAll(DEMO.leader)
  expect((await balanceOf(cloud, DEMO.leader)).availableFen).toBe(0)

  const order = (await readDoc('orders', orderId))!
  await requestPartialRefund(database(), order as never, { refundId: `ra${newRequestId('x').replace(/-/g, '')}`.slice(0, 32), amountFen: 5000, reason: '售后退款', units: 1 }, Date.now())
  await processDueRefunds(database(), Date.now())
  const owed = (await balanceOf(cloud, DEMO.leader)).debtFen
  expect(owed).toBeGreaterThan(0)

  const line = await lineOf(DEMO.leader, orderId)
  expect(line).toMatchObject({ state: 'DEBT', debtFen: owed })
  expect(line.events.find((e) => e.reason === '售后退款')).toMatchObject({ debtFen: owed })

  // The next earnings repay it: one 欠款抵扣 line of what was repaid.
  const next = await paidOrder(cloud, 'ml-debt-2', groupBuyId, 1)
  expect((await pickUp(cloud, 'ml-debt-2', groupBuyId, next)).ok).toBe(true)
  await releaseDue(database(), LATER())
  const after = await balanceOf(cloud, DEMO.leader)
  const repays = (await allLines(DEMO.leader)).filter((l) => l.kind === 'DEBT_REPAY')
  expect(repays).toHaveLength(1)
  expect(repays[0]).toMatchObject({ state: 'DEBT_REPAID', shareFen: -(owed - after.debtFen) })
})

it('a leader never sees another leader’s lines; every line of a long list comes once, and its 可提现 parts add up to the balance', async () => {
  const other = 'ml-leader-2'
  expect((await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: other, role: 'leader', pickupPointId: cloud.pickupPointId })).ok).toBe(true)
  const now = Date.now()
  const created = await cloud.call<{ groupBuyId: string }>('groupBuy', other, {
    action: 'create', title: '隔壁团长的团', priceFen: 800, stock: 100, minParticipants: 1, limitPerUser: 5, startAt: now - 1000, endAt: now + 3600_000, pickupPointId: cloud.pickupPointId,
  })
  expect(created.ok).toBe(true)
  const theirs: string[] = []
  for (let i = 0; i < 23; i++) theirs.push(await paidOrder(cloud, `ml-p-${i}`, created.data.groupBuyId, 1))
  // Some of them picked up and released, one payout of part of it.
  await cloud.call('groupBuy', other, { action: 'markArrived', groupBuyId: created.data.groupBuyId })
  for (const orderId of theirs.slice(0, 6)) {
    const code = (await cloud.call<{ order: { pickupCode: string } }>('order', `ml-p-${theirs.indexOf(orderId)}`, { action: 'get', orderId })).data.order.pickupCode
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code })).ok).toBe(true)
  }
  await releaseDue(database(), LATER())
  const released = (await balanceOf(cloud, other)).availableFen
  expect((await cloud.call('ledger', other, { action: 'requestPayout', amountFen: Math.floor(released / 2), requestId: newRequestId('po') })).ok).toBe(true)

  const first = await lines(other)
  expect(first.data.items).toHaveLength(20)
  expect(first.data.nextCursor).toBeTruthy()
  const mine = await allLines(other)
  const ids = mine.map((l) => l.lineId)
  expect(new Set(ids).size).toBe(ids.length)
  expect(ids.filter((id) => theirs.includes(id)).sort()).toEqual([...theirs].sort())
  expect(mine.filter((l) => l.kind === 'PAYOUT')).toHaveLength(1)
  const bal = await balanceOf(cloud, other)
  const part = (state: string) => mine.flatMap((l) => l.parts).filter((p) => p.state === state).reduce((s, p) => s + p.amountFen, 0)
  expect(part('AVAILABLE')).toBe(bal.availableFen)
  expect(part('PAYOUT_PENDING')).toBe(bal.pendingPayoutFen)
  expect(part('AWAITING_PICKUP') + part('AFTER_SALES')).toBe(bal.frozenFen)

  const demo = await allLines(DEMO.leader)
  expect(demo.some((l) => theirs.includes(l.lineId))).toBe(false)
  expect(mine.every((l) => l.entries.every((e) => e.partyId === other))).toBe(true)
  expect(demo.every((l) => l.entries.every((e) => e.partyId === DEMO.leader))).toBe(true)

  // Nobody else's account by asking for it, and no list for a resident.
  expect((await lines(other, { as: 'merchant' })).error?.code).toBe('LEDGER.NO_ACCOUNT')
  expect((await lines('ml-p-0')).ok).toBe(false)
  expect((await lines(other, { cursor: 'bm90LWEtY3Vyc29y' })).error?.code).toBe('INPUT.INVALID')
})

it('对账 shows totals per party (the platform’s fees among them) and names each difference’s order', async () => {
  const clean = await cloud.call<ReconcileReport>('admin', DEMO.admin, { action: 'reconcile' })
  expect(clean.data.mismatches).toEqual([])
  const entries = await readAll<{ party: string; kind: string; state: string; amountFen: number }>('ledgerEntries', {})
  const net = (party: string) => entries.filter((e) => e.party === party && (e.kind === 'SALE' || e.kind === 'REVERSAL')).reduce((s, e) => s + e.amountFen, 0)
  const totals = clean.data.totals!
  expect(totals.map((t) => t.party)).toEqual(['merchant', 'leader', 'store', 'platform'])
  for (const t of totals) expect(t.netFen).toBe(net(t.party))
  expect(totals.find((t) => t.party === 'platform')!.netFen).toBeGreaterThan(0)
  expect(totals.find((t) => t.party === 'leader')!.accounts).toBe(2)

  const victim = (await readAll<{ _id: string; orderId: string; amountFen: number }>('ledgerEntries', { kind: 'SALE', party: 'store' }))[0]
  await database().collection('ledgerEntries').doc(victim._id).update({ data: { amountFen: victim.amountFen + 1 } })
  const dirty = await cloud.call<ReconcileReport>('admin', DEMO.admin, { action: 'reconcile' })
  const title = (await readDoc<{ title: string }>('orders', victim.orderId))!.title
  expect(dirty.data.mismatches).toContainEqual(expect.objectContaining({ orderId: victim.orderId, title, kind: 'SPLIT', expected: victim.amountFen, actual: victim.amountFen + 1 }))
  await database().collection('ledgerEntries').doc(victim._id).update({ data: { amountFen: victim.amountFen } })
})
