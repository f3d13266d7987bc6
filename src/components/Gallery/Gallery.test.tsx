import { render, screen } from '@testing-library/react'
import Gallery from '.'

it('shows every photo with a counter, one photo still, none as a placeholder', () => {
  const { container, rerender } = render(<Gallery urls={['http://a', 'http://b', '']} placeholder='邻里团' />)
  expect(Array.from(container.querySelectorAll('img')).map((i) => i.getAttribute('src'))).toEqual(['http://a', 'http://b'])
  expect(screen.getByText('1/2')).toBeTruthy()
  rerender(<Gallery urls={['http://a']} placeholder='邻里团' />)
  expect(container.querySelectorAll('img')).toHaveLength(1)
  expect(screen.queryByText('1/1')).toBeNull()
  rerender(<Gallery urls={[]} placeholder='邻里团' />)
  expect(screen.getByText('邻里团')).toBeTruthy()
})
