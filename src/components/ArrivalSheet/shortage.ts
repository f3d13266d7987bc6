import type { PickListItem } from '@/shared/contracts/group-buy'
import { planArrival } from '@/shared/domain/supply'

export interface ShortagePreview {
  expected: number
  received: number
  short: number
  /** 跟团号 whose order gets less than paid for, with what they get. */
  cut: { seq: number | null; maskedName: string; quantity: number; served: number }[]
  refundFen: number
}

/**
 * What signing off `received` units will do, before the leader confirms — by the very rule the cloud applies
 * (planArrival: served in 跟团号 order, the missing units refunded at the order's price).
 */
export function previewShortage(items: readonly PickListItem[], received: number, priceFen: number): ShortagePreview {
  // Numbered orders by their number; one without (rolled over before numbers were kept) last, as the cloud serves it.
  const ordered = [...items].sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER))
  const expected = ordered.reduce((n, i) => n + i.quantity, 0)
  const bounded = Math.max(0, Math.min(received, expected))
  const plan = planArrival(
    ordered.map((i, k) => ({ orderId: String(k), quantity: i.quantity, priceFen, amountFen: i.quantity * priceFen })),
    bounded,
  )
  const cut = ordered
    .map((i, k) => ({ seq: i.seq, maskedName: i.maskedName, quantity: i.quantity, served: plan[k].servedQuantity }))
    .filter((c) => c.served < c.quantity)
  return { expected, received: bounded, short: expected - bounded, cut, refundFen: plan.reduce((n, l) => n + l.refundFen, 0) }
}
