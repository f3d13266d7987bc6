/**
 * 利益分配: how one order's money is shared between the merchant, the leader, the store (pickup point) and the
 * platform. Pure and shared: the ledger writes what these functions say, the reconciliation checks against
 * the same functions, and createFromOffer refuses prices they say would leave the platform short.
 */
import { splitDeliveryFee } from './delivery'

export const PARTIES = ['merchant', 'leader', 'store', 'platform'] as const
export type Party = (typeof PARTIES)[number]
export type Shares = Record<Party, number>

/** The platform's own account id (it is one party, not a person). */
export const PLATFORM_ACCOUNT_ID = 'platform'

export const DEFAULT_PLATFORM_FEE_BP = 500
export const DEFAULT_COMMISSION_TIERS = '0:0,500000:100,2000000:200'
const BP = 10_000

/**
 * The inputs of an order's split, frozen when the sale is recorded so later changes of fees, tiers or offers
 * never alter past orders.
 */
export interface SplitTerms {
  /** 'offer': a group buy opened from a merchant's supply offer (帮卖); 'own': the leader's own. */
  kind: 'offer' | 'own'
  supplyPriceFen: number
  commissionBp: number
  /** The leader's tier bonus at the time of the sale (offer group buys only). */
  tierBonusBp: number
  /** The pickup point's fee per order. */
  handlingFeeFen: number
  /** The platform's cut of a leader's own group buy. */
  platformFeeBp: number
  /** 配送到家 (#25): the order's delivery fee, the store's before the goods are split (absent = a pickup order). */
  deliveryFeeFen?: number
}

export function zeroShares(): Shares {
  return { merchant: 0, leader: 0, store: 0, platform: 0 }
}

export function sumShares(s: Shares): number {
  return s.merchant + s.leader + s.store + s.platform
}

/**
 * The split of `amountFen` kept for `quantity` units. Each party's share is what the rule says, capped
 * by what is left after the parties before it (merchant, leader, store; the platform takes the remainder), so
 * every share is ≥ 0 and the four always add up to exactly `amountFen`. The caps only bite on amounts the rule
 * cannot cover (a refund that leaves less than the supply price, a per-order fee larger than what is kept);
 * an order at its full price is split by the plain rule because createFromOffer refuses prices that would not.
 */
export function splitShares(amountFen: number, quantity: number, t: SplitTerms): Shares {
  if (t.deliveryFeeFen) return withDeliveryFee(amountFen, quantity, t)
  const a = Math.max(0, amountFen)
  if (a === 0) return zeroShares()
  if (t.kind === 'offer') {
    const merchant = Math.min(t.supplyPriceFen * quantity, a)
    const leader = Math.min(Math.floor((a * (t.commissionBp + t.tierBonusBp)) / BP), a - merchant)
    const store = Math.min(t.handlingFeeFen, a - merchant - leader)
    return { merchant, leader, store, platform: a - merchant - leader - store }
  }
  const platform = Math.floor((a * t.platformFeeBp) / BP)
  const store = Math.min(t.handlingFeeFen, a - platform)
  return { merchant: 0, leader: a - platform - store, store, platform }
}

/** The delivery fee to the store first (src/shared/domain/delivery.ts splitDeliveryFee), the goods by the plain rule. */
function withDeliveryFee(amountFen: number, quantity: number, t: SplitTerms): Shares {
  const { storeFen, goodsFen } = splitDeliveryFee(amountFen, t.deliveryFeeFen)
  const goods = splitShares(goodsFen, quantity, { ...t, deliveryFeeFen: 0 })
  return { ...goods, store: goods.store + storeFen }
}

/**
 * Whether selling an offer at `priceFen` per unit leaves the platform a share ≥ 0 by the plain rule, for every
 * quantity, at the highest tier bonus (createFromOffer: `SUPPLY.PRICE_OUT_OF_RANGE` otherwise). With
 * c = p − s − p·bp the per-unit margin, q units leave at least q·c before the store's per-order fee, so only
 * quantities below fee / c need checking one by one.
 */
export function offerPriceLeavesPlatform(priceFen: number, supplyPriceFen: number, commissionBp: number, maxTierBonusBp: number, handlingFeeFen: number): boolean {
  const bp = commissionBp + maxTierBonusBp
  const marginBp = (priceFen - supplyPriceFen) * BP - priceFen * bp // c in units of 1/10000 fen, exact
  if (marginBp < 0) return false
  if (handlingFeeFen === 0) return true
  if (marginBp === 0) return false
  const upTo = Math.min(Math.ceil((handlingFeeFen * BP) / marginBp), 1_000_000)
  for (let q = 1; q <= upTo; q++) {
    if (q * (priceFen - supplyPriceFen) - Math.floor((q * priceFen * bp) / BP) < handlingFeeFen) return false
  }
  return true
}

export interface Tier {
  /** Picked-up sales this month (fen) from which the bonus applies. */
  thresholdFen: number
  bonusBp: number
}

/** `0:0,500000:100,2000000:200` → tiers by threshold; malformed parts are an error (a config mistake). */
export function parseTiers(spec: string): Tier[] {
  const tiers = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^(\d+):(\d+)$/.exec(part)
      if (!m) throw new Error(`COMMISSION_TIERS: bad tier "${part}" (want fen:bp)`)
      return { thresholdFen: Number(m[1]), bonusBp: Number(m[2]) }
    })
    .sort((x, y) => x.thresholdFen - y.thresholdFen)
  if (tiers.length === 0 || tiers[0].thresholdFen !== 0) tiers.unshift({ thresholdFen: 0, bonusBp: 0 })
  return tiers
}

export function maxTierBonusBp(tiers: readonly Tier[]): number {
  return Math.max(0, ...tiers.map((t) => t.bonusBp))
}

/** The tier reached by `monthPickedUpFen` of picked-up sales, and the next threshold (null at the top). */
export function tierFor(tiers: readonly Tier[], monthPickedUpFen: number): { bonusBp: number; nextThresholdFen: number | null } {
  let bonusBp = 0
  let nextThresholdFen: number | null = null
  for (const t of tiers) {
    if (monthPickedUpFen >= t.thresholdFen) bonusBp = t.bonusBp
    else {
      nextThresholdFen = t.thresholdFen
      break
    }
  }
  return { bonusBp, nextThresholdFen }
}

/**
 * Where an order's shares sit: `frozen` until pickup, `available` once released. Their sum per party is the
 * party's net share of the order.
 */
export interface OrderPosition {
  frozen: Shares
  available: Shares
}

export type Move = { party: Party; fromFrozen: number; fromAvailable: number; toFrozen: number; toAvailable: number }

/**
 * A refund: the shares become the split of what is still kept. Each party's change is taken out of the order's
 * FROZEN share first, the rest out of AVAILABLE; a share that grows (a cap that no longer bites) is credited
 * where the order's money sits (FROZEN before pickup, AVAILABLE after).
 */
export function planReversal(pos: OrderPosition, target: Shares, released: boolean): Move[] {
  const moves: Move[] = []
  for (const party of PARTIES) {
    const current = pos.frozen[party] + pos.available[party]
    const delta = target[party] - current
    if (delta === 0) continue
    if (delta < 0) {
      const fromFrozen = Math.min(Math.max(pos.frozen[party], 0), -delta)
      moves.push({ party, fromFrozen, fromAvailable: -delta - fromFrozen, toFrozen: 0, toAvailable: 0 })
    } else {
      moves.push({ party, fromFrozen: 0, fromAvailable: 0, toFrozen: released ? 0 : delta, toAvailable: released ? delta : 0 })
    }
  }
  return moves
}

/**
 * Pickup: release the shares of what is kept for good. Money under a refund not yet confirmed stays FROZEN
 * (the refund will take it from there), so a leader can never withdraw what is about to be refunded.
 */
export function planRelease(pos: OrderPosition, releasable: Shares): Shares {
  const out = zeroShares()
  for (const party of PARTIES) out[party] = Math.max(0, Math.min(pos.frozen[party], releasable[party] - pos.available[party]))
  return out
}

export function applyReversal(pos: OrderPosition, moves: readonly Move[]): OrderPosition {
  const next: OrderPosition = { frozen: { ...pos.frozen }, available: { ...pos.available } }
  for (const m of moves) {
    next.frozen[m.party] += m.toFrozen - m.fromFrozen
    next.available[m.party] += m.toAvailable - m.fromAvailable
  }
  return next
}

export function applyRelease(pos: OrderPosition, released: Shares): OrderPosition {
  const next: OrderPosition = { frozen: { ...pos.frozen }, available: { ...pos.available } }
  for (const party of PARTIES) {
    next.frozen[party] -= released[party]
    next.available[party] += released[party]
  }
  return next
}

/**
 * Balances of one account, each the sum of its entries in that state. `debtFen` is what the payee owes: DEBT
 * entries are negative when a refund took back more than the payee still had available (−owed) and positive as
 * later earnings repay it, so debtFen = −(their sum) ≥ 0.
 */
export interface Balance {
  frozenFen: number
  availableFen: number
  pendingPayoutFen: number
  paidOutFen: number
  debtFen: number
}

export const ENTRY_STATES = ['FROZEN', 'AVAILABLE', 'PAYOUT_PENDING', 'PAID_OUT', 'DEBT'] as const
export type EntryState = (typeof ENTRY_STATES)[number]

export const BALANCE_FIELD: Record<EntryState, keyof Balance> = {
  FROZEN: 'frozenFen',
  AVAILABLE: 'availableFen',
  PAYOUT_PENDING: 'pendingPayoutFen',
  PAID_OUT: 'paidOutFen',
  DEBT: 'debtFen',
}

export function balanceFromEntries(entries: readonly { amountFen: number; state: EntryState }[]): Balance {
  const b: Balance = { frozenFen: 0, availableFen: 0, pendingPayoutFen: 0, paidOutFen: 0, debtFen: 0 }
  for (const e of entries) b[BALANCE_FIELD[e.state]] += e.state === 'DEBT' ? -e.amountFen : e.amountFen
  return b
}

/**
 * What an order keeps after its refunds: the amount less every refund, and the units less the units those refunds
 * took back — whatever the refund's kind (failed group, expiry, shortage, after-sales, full or partial). The ONE
 * input of the split of what is kept (`splitShares(keptFen, keptUnits, terms)`), used by the ledger's reversal and
 * release, by admin.reconcile and by the model test. A partial refund that names no units (a price adjustment, or
 * one written before refunds carried units) takes back none; a full one (not `partial`) takes back all. `servedCap` is the order's
 * served quantity where an older shortage wrote only that.
 */
export function keptOf(
  sale: { amountFen: number; quantity: number },
  refunds: readonly { amountFen: number; units?: number | null; partial?: boolean }[],
  servedCap?: number | null,
): { keptFen: number; keptUnits: number } {
  let keptFen = sale.amountFen
  let keptUnits = sale.quantity
  for (const r of refunds) {
    keptFen -= r.amountFen
    keptUnits -= r.partial ? Math.max(0, r.units ?? 0) : sale.quantity
  }
  if (typeof servedCap === 'number') keptUnits = Math.min(keptUnits, servedCap)
  return { keptFen: Math.max(0, keptFen), keptUnits: Math.max(0, keptUnits) }
}

/** The split of what an order keeps: splitShares of keptOf — the one function every refund kind is booked by. */
export function splitOfKept(
  sale: { amountFen: number; quantity: number; terms: SplitTerms },
  refunds: readonly { amountFen: number; units?: number | null; partial?: boolean }[],
  servedCap?: number | null,
): Shares {
  const k = keptOf(sale, refunds, servedCap)
  return splitShares(k.keptFen, k.keptUnits, sale.terms)
}

/**
 * When an order's money may be released (FROZEN → AVAILABLE, withdrawable): picked up, its after-sales window
 * closed, no case open or approved-but-not-refunded (`openCaseUnits` = units on the order's after-sales tally not
 * yet refunded), and every refund requested for it confirmed and booked. Until then any refund can still reach
 * the money, so it stays frozen.
 */
export function mayRelease(o: { pickedUpAt: number | null; openCaseUnits: number; unbookedRefunds: number }, windowMs: number, now: number): boolean {
  if (o.pickedUpAt === null) return false
  return now >= o.pickedUpAt + windowMs && o.openCaseUnits <= 0 && o.unbookedRefunds === 0
}

/**
 * A refund must take `takeFen` back out of a payee's AVAILABLE money but the payee has only `availableFen` left
 * (the rest was paid out or is held by a payout): never below 0 — what is missing becomes the payee's debt.
 */
export function splitTakeBackFen(availableFen: number, takeFen: number): { fromAvailable: number; debt: number } {
  const fromAvailable = Math.min(Math.max(availableFen, 0), takeFen)
  return { fromAvailable, debt: takeFen - fromAvailable }
}

export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/**
 * What a picked-up order adds to its leader's tier volume: the goods of a 帮卖 sale it keeps — its amount less the
 * delivery fee and the refunds so far. A leader's own group buy adds nothing: the tier's bonus comes out of the
 * platform's part of 帮卖 sales, and before (an audit: test/node/money-rules.test.ts) a leader could lift it by
 * buying from its own group buy with a second account, paying little more than the platform fee on money that came
 * back to itself. The delivery fee is the store's, not a sale.
 */
export function tierVolumeFen(lo: { amountFen: number; refundedFen: number; terms: Pick<SplitTerms, 'kind' | 'deliveryFeeFen'> }): number {
  if (lo.terms.kind !== 'offer') return 0
  return Math.max(0, lo.amountFen - (lo.terms.deliveryFeeFen ?? 0) - lo.refundedFen)
}
