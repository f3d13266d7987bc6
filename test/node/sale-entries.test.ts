/**
 * A sale's four FROZEN ledger entries ride on its order (the position on the order says them) until settle copies
 * them into `ledgerEntries` (#23: pay 8 → 7 operations; server/ledger/sale-entries.ts). Each test attacks the window
 * between the payment and the copy: nothing written after the sale (a reversal, a release) may land before its
 * entries, no account's entries may go below 0 at any moment, and whoever reports on the books sees the sale.
 */
import { balanceFromEntries } from '@shared/domain/ledger'
import { writeDueSales } from '@server/ledger/sale-entries'
import { copyRidingSales, database, DEMO, idMaker, readAll, readDoc, testCloudForThisFile } from './support/cloud'
import { balanceOf, offerGroupBuy, paidOrder, partialRefund } from './support/ledger'
import { dieAt, quietCrashLogs } from './support/crash'

jest.setTimeout(300_000)

const cloud = testCloudForThisFile()
quietCrashLogs()
const fresh = idMaker('se')

/** Every account's entries, each state summed: none may be below 0. */
async function everyBalanceAtLeastZero(): Promise<void> {
  const all = await readAll<{ account: string; amountFen: number; kind: string; state: 'FROZEN' | 'AVAILABLE' | 'PAYOUT_PENDING' | 'PAID_OUT' }>('ledgerEntries', {})
  for (const account of new Set(all.map((e) => e.account))) {
    for (const v of Object.values(balanceFromEntries(all.filter((e) => e.account === account)))) expect({ account, v: v >= 0 }).toEqual({ account, v: true })
  }
}

const sumOf = async (orderId: string) => (await readAll<{ amountFen: number }>('ledgerEntries', { orderId })).reduce((s, e) => s + e.amountFen, 0)

describe('sales ride on their orders until settle copies them', () => {
  it('a refund confirmed while the sale still rides writes the sale first, then its reversal: each once, no balance below 0', async () => {
    const groupBuyId = await offerGroupBuy(cloud, { priceFen: 2000, supplyPriceFen: 1000, commissionBp: 1000 })
    const orderId = await paidOrder(cloud, fresh('refund'), groupBuyId, 2)
    expect((await readDoc('orders', orderId))!.saleDueAt).toBeGreaterThan(0)
    expect(await readAll('ledgerEntries', { orderId })).toEqual([])
    // ¥10 of ¥40 back, confirmed and booked before any settle ran.
    await partialRefund(orderId, 1000)
    const entries = await readAll<{ kind: string; amountFen: number }>('ledgerEntries', { orderId })
    expect(entries.filter((e) => e.kind === 'SALE').reduce((n, e) => n + e.amountFen, 0)).toBe(4000)
    expect(entries.some((e) => e.kind === 'REVERSAL')).toBe(true)
    expect(await sumOf(orderId)).toBe(3000)
    expect((await readDoc('orders', orderId))!.saleDueAt).toBe(0)
    await everyBalanceAtLeastZero()
    // Settle's copy afterwards writes nothing twice.
    await copyRidingSales()
    expect(await sumOf(orderId)).toBe(3000)
  })

  it("settle's copy racing a refund's copy of the same sale writes its entries once", async () => {
    const groupBuyId = await offerGroupBuy(cloud, { priceFen: 1500, supplyPriceFen: 800, commissionBp: 500 })
    const orders = [] as string[]
    for (let i = 0; i < 5; i++) orders.push(await paidOrder(cloud, fresh('race'), groupBuyId, 1))
    await Promise.all([...orders.map((o) => partialRefund(o, 500)), writeDueSales(database()), writeDueSales(database())])
    for (const o of orders) {
      expect((await readAll<{ amountFen: number }>('ledgerEntries', { orderId: o, kind: 'SALE' })).reduce((n, e) => n + e.amountFen, 0)).toBe(1500)
      expect(await sumOf(o)).toBe(1000)
    }
    await everyBalanceAtLeastZero()
  })

  it('a copy cut between its insert and the clearing of the marks writes nothing twice on the next run', async () => {
    const groupBuyId = await offerGroupBuy(cloud, { priceFen: 1000, supplyPriceFen: 600, commissionBp: 800 })
    const orderId = await paidOrder(cloud, fresh('cut'), groupBuyId, 3)
    const cut = await dieAt(cloud, { collection: 'orders', match: 'saleDueAt' }, () => copyRidingSales())
    expect(cut.died).toBe(true)
    expect((await readDoc('orders', orderId))!.saleDueAt).toBeGreaterThan(0)
    expect(await sumOf(orderId)).toBe(3000)
    await copyRidingSales()
    expect((await readDoc('orders', orderId))!.saleDueAt).toBe(0)
    expect(await sumOf(orderId)).toBe(3000)
  })

  it("a payee's 收益 and the admin's reconcile see a sale at once, before settle ran", async () => {
    const groupBuyId = await offerGroupBuy(cloud, { priceFen: 2000, supplyPriceFen: 1000, commissionBp: 1000 })
    const before = await balanceOf(cloud, DEMO.merchant, 'merchant')
    const orderId = await paidOrder(cloud, fresh('view'), groupBuyId, 1)
    expect((await readDoc('orders', orderId))!.saleDueAt).toBeGreaterThan(0)
    const after = await balanceOf(cloud, DEMO.merchant, 'merchant')
    // The merchant's share of a ¥20 sale at the supply price ¥10: FROZEN at once.
    expect(after.frozenFen - before.frozenFen).toBe(1000)
    const orderId2 = await paidOrder(cloud, fresh('view'), groupBuyId, 1)
    const report = await cloud.call<{ mismatches: Array<{ orderId: string | null }> }>('admin', DEMO.admin, { action: 'reconcile' })
    expect(report.ok).toBe(true)
    expect(report.data.mismatches.filter((m) => m.orderId === orderId || m.orderId === orderId2)).toEqual([])
  })
})
