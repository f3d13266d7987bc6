import type { PickListItem } from '@/shared/contracts/group-buy'

export interface ShortagePreview {
  expected: number
  received: number
  short: number
  /** 跟团号 whose order gets less than paid for, with what they get. */
  cut: { seq: number; maskedName: string; quantity: number; served: number }[]
  refundFen: number
}

/**
 * What signing off `received` units means, before the leader confirms: orders are filled in 跟团号 order (who
 * joined first is served first), so a shortage falls on the latest orders; each unit not served is refunded at
 * the group buy's price.
 */
export function previewShortage(items: readonly PickListItem[], received: number, priceFen: number): ShortagePreview {
  const ordered = [...items].sort((a, b) => a.seq - b.seq)
  const expected = ordered.reduce((n, i) => n + i.quantity, 0)
  let left = Math.max(0, Math.min(received, expected))
  const cut: ShortagePreview['cut'] = []
  for (const i of ordered) {
    const served = Math.min(i.quantity, left)
    left -= served
    if (served < i.quantity) cut.push({ seq: i.seq, maskedName: i.maskedName, quantity: i.quantity, served })
  }
  const short = Math.max(0, expected - Math.max(0, received))
  return { expected, received: Math.min(received, expected), short, cut, refundFen: short * priceFen }
}
