import { barPercents } from './bars'

it('scales bars to the largest value, never below 0 or past 100%', () => {
  expect(barPercents([0, 50, 200, 100])).toEqual([0, 25, 100, 50])
  expect(barPercents([0, 0])).toEqual([0, 0])
  expect(barPercents([-5, 10])).toEqual([0, 100])
  expect(barPercents([])).toEqual([])
})
