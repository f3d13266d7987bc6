import { percentText } from './chart'

it('writes rates as whole percents and unknown as a dash', () => {
  expect(percentText(0.5)).toBe('50%')
  expect(percentText(2 / 3)).toBe('67%')
  expect(percentText(null)).toBe('—')
})
