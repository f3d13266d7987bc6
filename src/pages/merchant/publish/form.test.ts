import { lowestSellablePriceFen } from '@/shared/domain/supply'
import { pickupPresets } from '@/shared/domain/time-presets'
import { applyPickupPreset, defaultPublishForm, priceHint, toPublishInput, validatePublish } from './form'

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

describe('the lowest price leaders can sell at, before submit (#22)', () => {
  // The demo's numbers: supply ¥18, commission 10 %, the top tier +2 %, a point charging ¥0.50 per order.
  const terms = { ...defaultPublishForm(now, { supplyPriceFen: 1800, suggestedPriceFen: 3000 }), commission: '10' }
  const pricing = { maxTierBonusBp: 200, handlingFees: [{ pickupPointId: 'pp1', handlingFeeFen: 50 }] }

  it('says ¥21.02, not the ¥18 typed, and why — the server\'s own rule at the point with the fee', () => {
    const hint = priceHint(terms, 1800, pricing, ['pp1', 'pp2'])
    expect(hint?.lowestFen).toBe(lowestSellablePriceFen({ minPriceFen: 1800, maxPriceFen: 3000, supplyPriceFen: 1800, commissionBp: 1000 }, 200, 50))
    expect(hint?.text).toBe(
      '团长最低可按 ¥21.02 开团（部分自提点 ¥20.46 起），高于你填的最低售价 ¥18.00：售价要先付团长佣金 10%、月销奖励最高 2% 和自提点每单手续费 ¥0.50，剩下的才够付供货价 ¥18.00。',
    )
    // Only the point without a fee chosen: its own floor.
    expect(priceHint({ ...terms, pickupPointIds: ['pp2'] }, 1800, pricing, ['pp1', 'pp2'])?.text).toBe(
      '团长最低可按 ¥20.46 开团，高于你填的最低售价 ¥18.00：售价要先付团长佣金 10%、月销奖励最高 2%，剩下的才够付供货价 ¥18.00。',
    )
  })

  it('a minimum that already sells is confirmed; a range that can never sell is said before submit', () => {
    expect(priceHint({ ...terms, minPrice: '25' }, 1800, pricing, ['pp1'])?.text).toBe('团长最低可按 ¥25.00 开团。')
    const never = priceHint({ ...terms, maxPrice: '19' }, 1800, pricing, ['pp1'])
    expect(never?.blocked).toBe(true)
    expect(never?.text).toMatch(/^按这个价格区间团长无法开团/)
  })

  it('waits for numbers and for the rule\'s inputs', () => {
    expect(priceHint({ ...terms, commission: '' }, 1800, pricing, ['pp1'])).toBeNull()
    expect(priceHint(terms, 1800, null, ['pp1'])).toBeNull()
  })
})

it('a 提货 preset becomes the offer\'s default pickup window, in China time', () => {
  const tomorrow = pickupPresets(now).find((p) => p.label === '明日 16:00–20:00 提货')!
  const input = toPublishInput({ ...defaultPublishForm(now, product), ...applyPickupPreset(tomorrow) }, 'p1')
  expect(input.pickupStartAt).toBe(new Date('2026-12-02T16:00:00+08:00').getTime())
  expect(input.pickupEndAt).toBe(new Date('2026-12-02T20:00:00+08:00').getTime())
  expect(validatePublish(input, 2500).ok).toBe(true)
})
