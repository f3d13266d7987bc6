import { z } from 'zod'
import { ok } from '@shared/errors'
import { action, defineFunction } from '@server/define'
import { MESSAGES_TO_SEND, sendOutbox } from '@server/messages/notify'
import { noticeQueuedMessages, UNNOTICED_MESSAGES } from '@server/messages/outbox'
import { expireUnpaidCoupons, UNPAID_COUPONS_DUE } from '@server/coupons/coupon-flow'
import { finishInterruptedRedeems, UNFINISHED_REDEEMS } from '@server/coupons/redeem-flow'
import { healGroupBuyCounters } from '@server/group-buys/heal-counters'
import { finishConfirmedRefunds, processDueRefunds, REFUNDS_DUE, UNFINISHED_REFUNDS } from '@server/payments/refunds'
import { processDueShipping, queueDueShipping, SHIPPING_DUE } from '@server/payments/shipping'
import { finishInterruptedPayments, OWED_SUCCESS_MESSAGES, queueDueSucceeded, UNFINISHED_PAYMENTS, UNTOLD_SUCCESSES } from '@server/payments/payment-flow'
import { finishInterruptedHandovers, UNFINISHED_HANDOVERS } from '@server/pickup/pickup-flow'
import { HANDOVER_RECORDS_DUE, writeDueHandoverRecords } from '@server/pickup/handover-records'
import { SALES_DUE, writeDueSales } from '@server/ledger/sale-entries'
import { finishInterruptedArrivals } from '@server/group-buys/arrival'
import { CATCH_UP_PAID, CATCH_UP_PICKED_UP, CATCH_UP_REFUNDS, catchUpLedger, releaseDue, RELEASES_DUE } from '@server/ledger/ledger-flow'
import { processDuePayouts } from '@server/ledger/payouts'
import { reconcileDaily } from '@server/ledger/reconcile'
import { EXPIRY_REMINDERS_DUE, LAST_CALLS_DUE, READY_REMINDERS_DUE, sendPickupReminders, WINDOW_STARTS_DUE } from '@server/pickup/reminders'
import { healRatingStats } from '@server/feedback/ratings'
import { healMemberPoints } from '@server/members/points'
import { healCouponHolds } from '@server/coupons/hold-heal'
import { deleteExpiredExports } from '@server/storage/exports'
import { ENDS_DUE, endDueGroupBuys, expireUnpaidOrders, UNPAID_ORDERS_DUE, WIND_UPS_DUE, windUpEndedGroupBuys } from '@server/group-buys/wind-up'
import { EXPIRED_HOLDS, HELD_ORDERS, processRollOvers, RECENT_ROLL_OVERS } from '@server/group-buys/roll-over'
import { refundExpiredVouchers, VOUCHERS_DUE } from '@server/vouchers/changes'
import { Cadence, couponHealMs, didWork, DueWork, safetyNetMs, type DueQuery, type ProbedCollection } from '@server/due'

/**
 * The passes that only act on what their selection finds, each with that selection (server/due.ts): a tick reads
 * each collection's due documents once, before the first of these passes on it runs, and skips the passes whose own
 * selection found nothing there. Payouts and shipping uploads read one selection of their own anyway and always run; the safety
 * nets (the counter heal, interrupted sign-offs, the rating and points heals) and the expiry of exports run every
 * safetyNetMs().
 */
const SELECTS = {
  payments: [UNFINISHED_PAYMENTS, UNTOLD_SUCCESSES],
  sales: [SALES_DUE],
  handovers: [UNFINISHED_HANDOVERS],
  redeems: [UNFINISHED_REDEEMS],
  expireOrders: [UNPAID_ORDERS_DUE],
  expireCoupons: [UNPAID_COUPONS_DUE],
  ends: [ENDS_DUE],
  windUps: [WIND_UPS_DUE],
  rollOvers: [HELD_ORDERS, EXPIRED_HOLDS, RECENT_ROLL_OVERS],
  vouchers: [VOUCHERS_DUE],
  refunds: [REFUNDS_DUE],
  finishRefunds: [UNFINISHED_REFUNDS],
  ledger: [CATCH_UP_PAID, CATCH_UP_PICKED_UP, CATCH_UP_REFUNDS],
  releases: [RELEASES_DUE],
  shippingQueue: [SHIPPING_DUE],
  handoverRecords: [HANDOVER_RECORDS_DUE],
  reminders: [WINDOW_STARTS_DUE, LAST_CALLS_DUE, READY_REMINDERS_DUE, EXPIRY_REMINDERS_DUE],
  owedSuccesses: [OWED_SUCCESS_MESSAGES],
  notices: [UNNOTICED_MESSAGES],
  outbox: [MESSAGES_TO_SEND],
} satisfies Record<string, DueQuery[]>

/**
 * What a pass's work can make due for a later pass, where that is less than every probed collection (DueWork.worked;
 * a pass not named here makes any). `copies`: the passes that copy what rides on orders into their own collections
 * (sales' ledger entries, shipping records, hand-over records) and clear the marks — nothing probed selects what they
 * write or a mark's absence. `payouts` and `uploads` write payouts, balances and shipping uploads, which no probed
 * selection reads. `queued`: the owed 成团 messages go into the outbox. `noticed` and `sent`: a message's in-app notice
 * (`notices`, not probed) and its send only move it on within the outbox — no message becomes due by them.
 */
const MAKES = {
  copies: [],
  payouts: [],
  uploads: [],
  queued: ['outbox'],
  noticed: [],
  sent: [],
} satisfies Record<string, ProbedCollection[]>

/** The safety nets' last run in this instance (server/due.ts Cadence). */
const safetyNets = new Cadence()
/** The coupon holds' heal reads every running campaign's coupons and tallies: once an hour (couponHealMs). */
const couponNets = new Cadence()

/** Every selection a tick may probe. */
const SETTLE_SELECTIONS: readonly DueQuery[] = Object.values(SELECTS).flat()

/**
 * Every minute (config.json): finish payments, hand-overs, arrival sign-offs and coupon redemptions a crash cut off, expire unpaid orders and coupon purchases (closing their WeChat Pay trades first), end
 * group buys, heal holds left by interrupted calls, refund failed groups, finish confirmed refunds a crash cut off, book what the ledger hooks missed, release
 * the money of orders whose after-sales window closed with no case open, pay out payouts (商家转账 bills), upload shipping info of handed-over orders,
 * send messages, and reconcile the ledger once a day. A pass whose selection has nothing due is skipped, and the
 * safety nets run every fifth minute (#23: an idle tick is paid 1,440 times a day).
 */
const tick = action({
  access: 'timer',
  input: z.unknown(),
  async run({ db, now }) {
    const due = new DueWork(db, now, SETTLE_SELECTIONS)
    /**
     * Run a pass when its own selection has something due (server/due.ts DueWork); `idle` is its reply when skipped;
     * `makes`: the collections its work can make due (MAKES), probed again after it worked.
     */
    const pass = async <T>(selects: readonly DueQuery[] | null, run: () => Promise<T>, idle: T, makes?: readonly ProbedCollection[]): Promise<T> => {
      if (selects && !(await due.any(selects))) return idle
      const reply = await run()
      if (didWork(reply)) due.worked(makes)
      return reply
    }
    // The safety nets (they only repair what a crash or a lost write left) run every safetyNetMs(), not every tick.
    const netsDue = safetyNets.due(now, safetyNetMs())
    const net = async <T>(run: () => Promise<T>, idle: T): Promise<T> => (netsDue ? pass(null, run, idle) : idle)
    // First what a crash cut off, so the counts that decide 成团 and the end are whole before they are read.
    const finishedPayments = await pass(SELECTS.payments, () => finishInterruptedPayments(db, now), { payments: 0, succeededNotices: 0 })
    // The sales' entries that ride on their orders (ledger/sale-entries.ts), written before anything reads the books.
    const sales = await pass(SELECTS.sales, () => writeDueSales(db), { written: 0 }, MAKES.copies)
    const finishedHandovers = await pass(SELECTS.handovers, () => finishInterruptedHandovers(db, now), { finished: 0 })
    const finishedArrivals = await net(() => finishInterruptedArrivals(db, now), { finished: 0 })
    const finishedRedeems = await pass(SELECTS.redeems, () => finishInterruptedRedeems(db, now), { finished: 0 })
    const orders = await pass(SELECTS.expireOrders, () => expireUnpaidOrders(db, now), { expired: 0, paidAtExpiry: 0 })
    const coupons = await pass(SELECTS.expireCoupons, () => expireUnpaidCoupons(db, now), { expired: 0, paidAtExpiry: 0 })
    const ended = await pass(SELECTS.ends, () => endDueGroupBuys(db, now), { closed: 0, failed: 0 })
    const healedCounters = await net(() => healGroupBuyCounters(db, now), { checked: 0, healed: 0, unitsReleased: 0 })
    const woundUp = await pass(SELECTS.windUps, () => windUpEndedGroupBuys(db, now), { refundsRequested: 0, cancelled: 0, held: 0 })
    const rollOvers = await pass(SELECTS.rollOvers, () => processRollOvers(db, now), { moved: 0, expired: 0 })
    const vouchers = await pass(SELECTS.vouchers, () => refundExpiredVouchers(db, now), { expired: 0 })
    const refunds = await pass(SELECTS.refunds, () => processDueRefunds(db, now), { done: 0, retrying: 0 })
    const finishedRefunds = await pass(SELECTS.finishRefunds, () => finishConfirmedRefunds(db, now), { finished: 0 })
    const ledger = await pass(SELECTS.ledger, () => catchUpLedger(db, now), { sales: 0, pickups: 0, refunds: 0 })
    const released = await pass(SELECTS.releases, () => releaseDue(db, now), { released: 0, waiting: 0 })
    const payouts = await pass(null, () => processDuePayouts(db, now), { paid: 0, retrying: 0, failed: 0, waiting: 0 }, MAKES.payouts)
    // Hand-overs marked their orders (shippingMark): their records are queued in batches, then uploaded.
    const shippingQueued = await pass(SELECTS.shippingQueue, () => queueDueShipping(db), { queued: 0 }, MAKES.copies)
    const shipping = { ...(await pass(null, () => processDueShipping(db, now), { accepted: 0, retrying: 0, skipped: 0 }, MAKES.uploads)), ...shippingQueued }
    // …and their audit lines and points entries (server/pickup/handover-records.ts), before the points heal reads them.
    const handoverRecords = await pass(SELECTS.handoverRecords, () => writeDueHandoverRecords(db), { written: 0 }, MAKES.copies)
    const reminders = await pass(SELECTS.reminders, () => sendPickupReminders(db, now), { readyReminders: 0, expiryReminders: 0, windowStartReminders: 0, lastCallReminders: 0 })
    const ratings = await net(() => healRatingStats(db, now), { checked: 0, healed: 0 })
    const points = await net(() => healMemberPoints(db, now), { checked: 0, healed: 0 })
    // Coupon slots and tallies a cut claim left taken (server/coupons/hold-heal.ts).
    const couponsDue = couponNets.due(now, couponHealMs())
    const couponHolds = couponsDue ? await pass(null, () => healCouponHolds(db, now), { checked: 0, healed: 0 }) : { checked: 0, healed: 0 }
    // Exports (pick lists with 收货人, personal-data copies, …) are deleted once their temp URL has expired.
    const exportsDeleted = await net(() => deleteExpiredExports(db, now), { deleted: 0 })
    // 成团 messages owed to payments into a group that had succeeded (marked on their orders), then every queued
    // message's in-app notice, in batches, then the subscribe messages themselves: all in this tick.
    const succeeded = await pass(SELECTS.owedSuccesses, () => queueDueSucceeded(db, now), { queued: 0 }, MAKES.queued)
    const noticed = await pass(SELECTS.notices, () => noticeQueuedMessages(db, now), { noticed: 0 }, MAKES.noticed)
    const messages = { ...(await pass(SELECTS.outbox, () => sendOutbox(db, now), { sent: 0, noConsent: 0, failed: 0 }, MAKES.sent)), ...noticed, succeededQueued: succeeded.queued }
    const reconciliation = await reconcileDaily(db, now)
    if (netsDue) safetyNets.ran(now)
    if (couponsDue) couponNets.ran(now)
    // The reply keys are what callers and tests read (`reconciled` is the counters' heal, from before the names split).
    return ok({ expired: orders.expired, expiredCoupons: coupons.expired, paidAtExpiry: orders.paidAtExpiry + coupons.paidAtExpiry, ...ended, reconciled: healedCounters, ...woundUp, rollOvers, vouchers, refunds,
      finished: { ...finishedPayments, handovers: finishedHandovers.finished, arrivals: finishedArrivals.finished, redeems: finishedRedeems.finished, refunds: finishedRefunds.finished }, ledger, salesCopied: sales.written, released, payouts, shipping, handoverRecords, reminders, ratings, points, couponHolds, exports: exportsDeleted, messages, reconciliation })
  },
})

export const main = defineFunction({ tick }, { timerAction: 'tick' })
