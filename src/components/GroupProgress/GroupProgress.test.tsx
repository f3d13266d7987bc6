import { render, screen } from '@testing-library/react'
import GroupProgress from '.'

it('shows how many have paid against the threshold, and when the group is formed', () => {
  const { rerender } = render(<GroupProgress paid={2} min={3} />)
  expect(screen.getByText('已拼 2/3 人 · 还差 1 人成团')).toBeTruthy()
  rerender(<GroupProgress paid={3} min={3} />)
  expect(screen.getByText('已拼 3/3 人 · 已成团')).toBeTruthy()
})
