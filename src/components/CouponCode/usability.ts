import type { CouponView } from '@/shared/contracts/coupon'
import { formatTime } from '../format'

export type CouponUsability =
  | { kind: 'usable'; label: '可使用' }
  | { kind: 'notYet'; label: string }
  | { kind: 'redeemed'; label: '已核销' }
  | { kind: 'expired'; label: '已过期' }

/** What the owner can do with a coupon right now; the cloud decides again at the counter (decideRedeem). */
export function couponUsability(c: Pick<CouponView, 'status' | 'validFrom' | 'validTo'>, now: number): CouponUsability {
  if (c.status === 'REDEEMED') return { kind: 'redeemed', label: '已核销' }
  if (now >= c.validTo) return { kind: 'expired', label: '已过期' }
  if (now < c.validFrom) return { kind: 'notYet', label: `${formatTime(c.validFrom)} 起可用` }
  return { kind: 'usable', label: '可使用' }
}

export function validityText(validFrom: number, validTo: number): string {
  return `有效期 ${formatTime(validFrom)} 至 ${formatTime(validTo)}`
}
