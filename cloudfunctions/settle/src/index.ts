import { z } from 'zod'
import { ok } from '@shared/errors'
import { action, defineFunction } from '@server/define'
import { sendOutbox } from '@server/messages/notify'
import { noticeQueuedMessages } from '@server/messages/outbox'
import { expireUnpaidCoupons } from '@server/coupons/coupon-flow'
import { finishInterruptedRedeems } from '@server/coupons/redeem-flow'
import { healGroupBuyCounters } from '@server/group-buys/heal-counters'
import { finishConfirmedRefunds, processDueRefunds } from '@server/payments/refunds'
import { processDueShipping, queueDueShipping } from '@server/payments/shipping'
import { finishInterruptedPayments, queueDueSucceeded } from '@server/payments/payment-flow'
import { finishInterruptedHandovers } from '@server/pickup/pickup-flow'
import { finishInterruptedArrivals } from '@server/group-buys/arrival'
import { catchUpLedger, releaseDue } from '@server/ledger/ledger-flow'
import { processDuePayouts } from '@server/ledger/payouts'
import { reconcileDaily } from '@server/ledger/reconcile'
import { sendPickupReminders } from '@server/pickup/reminders'
import { healRatingStats } from '@server/feedback/ratings'
import { healMemberPoints } from '@server/members/points'
import { endDueGroupBuys, expireUnpaidOrders, windUpEndedGroupBuys } from '@server/group-buys/wind-up'
import { processRollOvers } from '@server/group-buys/roll-over'
import { refundExpiredVouchers } from '@server/vouchers/changes'

/**
 * Every minute (config.json): finish payments, hand-overs, arrival sign-offs and coupon redemptions a crash cut off, expire unpaid orders and coupon purchases (closing their WeChat Pay trades first), end
 * group buys, heal holds left by interrupted calls, refund failed groups, finish confirmed refunds a crash cut off, book what the ledger hooks missed, release
 * the money of orders whose after-sales window closed with no case open, pay out payouts (商家转账 bills), upload shipping info of handed-over orders,
 * send messages, and reconcile the ledger once a day.
 */
const tick = action({
  access: 'timer',
  input: z.unknown(),
  async run({ db, now }) {
    // First what a crash cut off, so the counts that decide 成团 and the end are whole before they are read.
    const finishedPayments = await finishInterruptedPayments(db, now)
    const finishedHandovers = await finishInterruptedHandovers(db, now)
    const finishedArrivals = await finishInterruptedArrivals(db, now)
    const finishedRedeems = await finishInterruptedRedeems(db, now)
    const orders = await expireUnpaidOrders(db, now)
    const coupons = await expireUnpaidCoupons(db, now)
    const ended = await endDueGroupBuys(db, now)
    const healedCounters = await healGroupBuyCounters(db, now)
    const woundUp = await windUpEndedGroupBuys(db, now)
    const rollOvers = await processRollOvers(db, now)
    const vouchers = await refundExpiredVouchers(db, now)
    const refunds = await processDueRefunds(db, now)
    const finishedRefunds = await finishConfirmedRefunds(db, now)
    const ledger = await catchUpLedger(db, now)
    const released = await releaseDue(db, now)
    const payouts = await processDuePayouts(db, now)
    // Hand-overs marked their orders (shippingMark): their records are queued in batches, then uploaded.
    const shippingQueued = await queueDueShipping(db)
    const shipping = { ...(await processDueShipping(db, now)), ...shippingQueued }
    const reminders = await sendPickupReminders(db, now)
    const ratings = await healRatingStats(db, now)
    const points = await healMemberPoints(db, now)
    // 成团 messages owed to payments into a group that had succeeded (marked on their orders), then every queued
    // message's in-app notice, in batches, then the subscribe messages themselves: all in this tick.
    const succeeded = await queueDueSucceeded(db, now)
    const noticed = await noticeQueuedMessages(db, now)
    const messages = { ...(await sendOutbox(db, now)), ...noticed, succeededQueued: succeeded.queued }
    const reconciliation = await reconcileDaily(db, now)
    // The reply keys are what callers and tests read (`reconciled` is the counters' heal, from before the names split).
    return ok({ expired: orders.expired, expiredCoupons: coupons.expired, paidAtExpiry: orders.paidAtExpiry + coupons.paidAtExpiry, ...ended, reconciled: healedCounters, ...woundUp, rollOvers, vouchers, refunds,
      finished: { ...finishedPayments, handovers: finishedHandovers.finished, arrivals: finishedArrivals.finished, redeems: finishedRedeems.finished, refunds: finishedRefunds.finished }, ledger, released, payouts, shipping, reminders, ratings, points, messages, reconciliation })
  },
})

export const main = defineFunction({ tick }, { timerAction: 'tick' })
