import { render, screen } from '@testing-library/react'
import type { OrderView } from '@/shared/contracts/order'
import OrderTimeline from '.'

const order = (patch: Partial<OrderView>): OrderView => ({
  orderId: 'o1', groupBuyId: 'g1', title: 't', quantity: 1, priceFen: 1, amountFen: 1, status: 'PAID',
  createdAt: 1, expiresAt: 0, paidAt: 2, readyAt: null, pickedUpAt: null, refundedAt: null, pickupCode: null,
  pickupExpiresAt: null, servedQuantity: 1, refundedFen: 0, ...patch,
})

it('marks where the order is now', () => {
  const { container } = render(<OrderTimeline order={order({ status: 'READY_FOR_PICKUP', readyAt: 3 })} />)
  expect(container.querySelector('.timeline__step--current')?.textContent).toContain('已提货')
})

it('ends a refunded order at the refund, with no pickup step', () => {
  render(<OrderTimeline order={order({ status: 'REFUNDED', refundedAt: 4 })} />)
  expect(screen.getByText('已退款')).toBeTruthy()
  expect(screen.queryByText('到货待提货')).toBeNull()
})
