import { render, screen } from '@testing-library/react'
import type { GroupBuyView } from '@/shared/contracts/group-buy'
import GroupBuyCard from '.'

const item: GroupBuyView = {
  groupBuyId: 'g1', title: '赣南脐橙', description: '', images: ['cloud://e.b/a.png'], unit: '箱', priceFen: 3590, originalPriceFen: 3990, stock: 20, stockLeft: 17,
  minParticipants: 2, paidParticipants: 1, limitPerUser: 3, startAt: 1, endAt: Date.now() + 3600e3, pickupPointId: 'pp1', status: 'OPEN', createdAt: 0,
  arrivedAt: null, imageUrls: ['http://h/storage/file/a.png?t=1'], offerId: 'o1', merchantId: 'm',
}

it('shows the photo through its temp URL (never the cloud:// id), or the placeholder when there is none', () => {
  const { container, rerender } = render(<GroupBuyCard item={item} />)
  expect(container.querySelector('img')?.getAttribute('src')).toBe('http://h/storage/file/a.png?t=1')
  rerender(<GroupBuyCard item={{ ...item, images: [], imageUrls: [] }} />)
  expect(container.querySelector('img')).toBeNull()
  expect(screen.getByText('团')).toBeTruthy()
  // A stored photo whose URL could not be fetched ('' from the server) shows the placeholder too.
  rerender(<GroupBuyCard item={{ ...item, imageUrls: [''] }} />)
  expect(container.querySelector('img')).toBeNull()
})
