import { defaultPublishForm, toPublishInput, validatePublish } from './form'

const now = new Date('2026-12-01T10:00:00+08:00').getTime()
const product = { supplyPriceFen: 2500, suggestedPriceFen: 3990 }

it('a fresh offer runs a week, to every point, priced from supply to suggested price', () => {
  const input = toPublishInput(defaultPublishForm(now, product), 'p1')
  expect(input).toMatchObject({ productId: 'p1', stock: 100, commissionBp: 1000, minPriceFen: 2500, maxPriceFen: 3990, endAt: now + 7 * 86400e3 })
  expect(input.pickupPointIds).toBeUndefined()
  expect(validatePublish(input, 2500).ok).toBe(true)
})

it('explains a bad commission, a range upside down, a price under supply and no point chosen', () => {
  const form = { ...defaultPublishForm(now, product), commission: '60', minPrice: '20', maxPrice: '19', pickupPointIds: [] }
  const res = validatePublish(toPublishInput(form, 'p1'), 2500)
  expect(res.ok).toBe(false)
  if (res.ok) return
  expect(res.errors.commissionBp).toBe('团长佣金填 0–50 之间的百分比')
  expect(res.errors.pickupPointIds).toBe('至少选择一个自提点')
  const ranged = validatePublish(toPublishInput({ ...defaultPublishForm(now, product), minPrice: '20', maxPrice: '19' }, 'p1'), 2500)
  expect(!ranged.ok && ranged.errors).toMatchObject({ maxPriceFen: '最高售价不能低于最低售价', minPriceFen: '最低售价不能低于供货价 ¥25.00' })
})
