import { tierLine, wrapText } from './draw'

const oneEach = (s: string) => Array.from(s).length * 10

it('wraps the title to the width and ends a cut line with …', () => {
  expect(wrapText(oneEach, '赣南脐橙五斤装', 40, 2)).toEqual(['赣南脐橙', '五斤装'])
  expect(wrapText(oneEach, '赣南脐橙五斤装特大果', 40, 2)).toEqual(['赣南脐橙', '五斤装…'])
  expect(wrapText(oneEach, '短', 40, 1)).toEqual(['短'])
})

it('prints the tiers after the first as 满 N 件 at their price', () => {
  const tiers = [{ minQuantity: 1, priceFen: 3000 }, { minQuantity: 10, priceFen: 2700 }, { minQuantity: 30, priceFen: 2500 }]
  expect(tierLine(tiers, '份')).toBe('满10份 ¥27.00 · 满30份 ¥25.00')
  expect(tierLine([tiers[0]], '份')).toBe('')
})
