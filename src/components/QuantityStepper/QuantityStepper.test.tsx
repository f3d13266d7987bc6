import { fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import QuantityStepper from '.'

function Harness({ max }: { max: number }) {
  const [v, setV] = useState(1)
  return <QuantityStepper value={v} max={max} onChange={setV} />
}

it('never goes past the per-person limit or below one', () => {
  render(<Harness max={2} />)
  const plus = screen.getByLabelText('增加')
  const minus = screen.getByLabelText('减少')
  fireEvent.click(minus)
  expect(screen.getByText('1')).toBeTruthy()
  fireEvent.click(plus)
  fireEvent.click(plus)
  fireEvent.click(plus)
  expect(screen.getByText('2')).toBeTruthy()
})
