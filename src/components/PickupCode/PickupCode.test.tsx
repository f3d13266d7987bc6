import { render, screen } from '@testing-library/react'
import PickupCode from '.'

it('shows the code large with a scannable QR image', () => {
  const { container } = render(<PickupCode code='482913' expiresAt={null} />)
  expect(screen.getByText('482913')).toBeTruthy()
  const img = container.querySelector('img')
  expect(img?.getAttribute('src')).toMatch(/^data:image\/gif;base64,/)
})

it('once picked up, the code is shown as used and the QR is gone', () => {
  const { container } = render(<PickupCode code='482913' expiresAt={null} used />)
  expect(screen.getByText('已提货')).toBeTruthy()
  expect(container.querySelector('img')).toBeNull()
})
