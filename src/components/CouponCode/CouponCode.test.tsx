import { render, screen } from '@testing-library/react'
import type { CouponView } from '@/shared/contracts/coupon'
import CouponCode from '.'

const now = Date.UTC(2026, 10, 25, 4)
const coupon: CouponView = {
  couponId: 'c1',
  campaignId: 'k1',
  title: '便民店满 30 减 5 元券',
  valueFen: 500,
  code: '123456789012',
  qrContent: 'LLT-COUPON:123456789012',
  status: 'ISSUED',
  validFrom: now - 3600_000,
  validTo: now + 86400_000,
  pickupPointIds: ['p1'],
  createdAt: now - 60_000,
  redeemedAt: null,
}

it('an issued coupon shows its code large, a QR for the scanner and its validity', () => {
  const { container } = render(<CouponCode coupon={coupon} now={now} />)
  expect(screen.getByText('1234 5678 9012')).toBeTruthy()
  expect(screen.getByText('可使用')).toBeTruthy()
  expect(screen.getByText(/^有效期 /)).toBeTruthy()
  expect(container.querySelector('img')?.getAttribute('src')).toMatch(/^data:image\/gif;base64,/)
})

it('a redeemed or expired coupon has no QR and says why', () => {
  const { container, rerender } = render(<CouponCode coupon={{ ...coupon, status: 'REDEEMED', redeemedAt: now }} now={now} />)
  expect(screen.getByText('已核销')).toBeTruthy()
  expect(container.querySelector('img')).toBeNull()
  rerender(<CouponCode coupon={coupon} now={coupon.validTo} />)
  expect(screen.getByText('已过期')).toBeTruthy()
  expect(container.querySelector('img')).toBeNull()
})
