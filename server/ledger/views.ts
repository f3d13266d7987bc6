import type { AccountRole, BalanceView, LedgerEntryView, PayoutView } from '@shared/contracts/ledger'
import { chinaMonth } from '@shared/domain/calendar'
import { tierFor, type Party } from '@shared/domain/ledger'
import type { PayoutState } from '@shared/domain/payout'
import type { UserDoc } from '@server/users/model'
import { accountOf, commissionTiers, ledgerOf, ledgerPath, type LedgerEntryDoc, type PayoutDoc } from '@server/ledger/model'
import type { OrderDoc } from '@server/orders/model'
import { wechatPayConfig } from '@server/ledger/wechatpay'
import { monthPickedUpFen } from '@server/ledger/tiers'
import { derivedBalance } from '@server/ledger/reconcile'
import { entryReason } from '@shared/domain/money-lines'
import type { RefundDoc } from '@server/payments/model'
import { docsOf } from '@server/paging'

export interface Account {
  party: Party
  partyId: string
  account: string
}

/**
 * The caller's account: `as` picks one when they hold several roles; otherwise leader, then merchant, then the
 * clerk's store. A clerk's account is their bound pickup point's, never a point named in the input.
 */
export function accountFor(user: UserDoc, as: AccountRole | undefined): Account | null {
  const pick = (party: Party, partyId: string): Account => ({ party, partyId, account: accountOf(party, partyId) })
  const canLead = user.roles.includes('leader')
  const canSell = user.roles.includes('merchant')
  const store = user.roles.includes('clerk') ? user.boundPickupPointId ?? null : null
  if (as === 'leader' || (!as && canLead)) return canLead ? pick('leader', user._id) : null
  if (as === 'merchant' || (!as && canSell)) return canSell ? pick('merchant', user._id) : null
  return store ? pick('store', store) : null
}

/**
 * An account's balances, each the sum of its entries in one state (one grouped aggregate), and a leader's tier.
 * The frozen money is shown in its two stages (待提货 → 售后期 → 可提现): the frozen shares of picked-up orders not
 * yet released (one aggregate over the ledger's orders) are 售后期, the rest is 待提货.
 */
export async function balanceView(db: DB.Database, a: Account, now: number): Promise<BalanceView> {
  const derived = await derivedBalance(db, a.account)
  let tier: BalanceView['tier'] = null
  if (a.party === 'leader') {
    const monthPicked = await monthPickedUpFen(db, a.partyId, chinaMonth(now))
    tier = { ...tierFor(commissionTiers(), monthPicked), monthPickedUpFen: monthPicked }
  }
  const _ = db.command
  const $ = _.aggregate
  const inWindow = (await db
    .collection('orders')
    .aggregate()
    .match({ [ledgerPath(`accounts.${a.party}`)]: a.partyId, [ledgerPath('released')]: false, [ledgerPath('pickedUpAt')]: _.gt(0) })
    .group({ _id: null, total: $.sum(`$${ledgerPath(`position.frozen.${a.party}`)}`) })
    .end()) as unknown as { list: { total: number }[] }
  const afterSalesFen = Math.min(derived.frozenFen, Math.max(0, inWindow.list[0]?.total ?? 0))
  return { party: a.party, partyId: a.partyId, ...derived, awaitingPickupFen: derived.frozenFen - afterSalesFen, afterSalesFen, tier }
}

/**
 * Entries as views, with their orders' titles and 跟团号 and each event in words (a reversal named by its refund's
 * reason: 缺货退款, 售后退款 …): one read for the page's orders, one for its refunds.
 */
export async function entryViews(db: DB.Database, docs: readonly LedgerEntryDoc[]): Promise<LedgerEntryView[]> {
  const ids = [...new Set(docs.map((d) => d.orderId).filter((x): x is string => !!x))]
  const refundIds = [...new Set(docs.filter((d) => d.kind === 'REVERSAL' && d.refId).map((d) => d.refId as string))]
  const orders = new Map<string, { title: string; seq: number | null }>()
  const reasons = new Map<string, string>()
  await Promise.all([
    ids.length && byIds<OrderDoc>(db, 'orders', ids).then((list) => list.forEach((o) => orders.set(o._id, { title: o.title, seq: ledgerOf(o)?.seq ?? o.seq ?? null }))),
    refundIds.length && byIds<RefundDoc>(db, 'refunds', refundIds).then((list) => list.forEach((r) => reasons.set(r._id, r.reason))),
  ])
  return docs.map((d) => {
    const o = d.orderId ? orders.get(d.orderId) : undefined
    return {
      entryId: d._id, orderId: d.orderId, groupBuyId: d.groupBuyId, party: d.party, partyId: d.partyId, kind: d.kind, amountFen: d.amountFen,
      state: d.state, createdAt: d.createdAt, title: o?.title ?? null, seq: o?.seq ?? null, refId: d.refId ?? null,
      reason: entryReason(d, d.refId ? reasons.get(d.refId) : null),
    }
  })
}

/** Documents by id, in reads of at most 1000 ids. */
export async function byIds<T>(db: DB.Database, collection: string, ids: readonly string[]): Promise<T[]> {
  const out: T[] = []
  // The database answers at most 1000 documents a read.
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000)
    out.push(...(await docsOf<T>(db.collection(collection).where({ _id: db.command.in(chunk) }).limit(chunk.length))))
  }
  return out
}

/** A payout as its payee sees it; the confirm arguments only while the bill waits for them. */
export function payoutView(p: PayoutDoc): PayoutView {
  const state: PayoutState = p.state ?? (p.status === 'PAID' ? 'SUCCESS' : p.status === 'FAILED' ? 'FAILED' : 'REQUESTED')
  const c = wechatPayConfig()
  const waiting = p.status === 'PENDING' && state === 'WAIT_USER_CONFIRM' && !!p.packageInfo
  return {
    payoutId: p._id, party: p.party, amountFen: p.amountFen, status: p.status, state, createdAt: p.createdAt, doneAt: p.doneAt,
    confirm: waiting ? { mchId: c.mchId, appId: c.appId, package: p.packageInfo as string } : null,
  }
}
