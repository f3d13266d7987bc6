import type { OpenOfferView } from '@/shared/contracts/supply'
import { defaultFromOfferForm, expectedCommissionFen, toFromOfferInput, validateFromOffer } from './form'

const now = new Date('2026-12-01T10:00:00+08:00').getTime()
const offer: OpenOfferView = {
  offerId: 'o1', productId: 'p1', merchantId: 'm',
  product: { name: '赣南脐橙', unit: '箱', spec: '', category: '水果', description: '', images: [], imageUrls: [] },
  supplyPriceFen: 2500, suggestedPriceFen: 3990, minPriceFen: 3290, maxPriceFen: 3990, lowestPriceFen: 3290, commissionBp: 1000, stock: 300, stockLeft: 40,
  startAt: now - 3600e3, endAt: now + 86400e3, pickupPointIds: null, status: 'OPEN', createdAt: 0,
}

it('starts at the top of the price range, no more than the offer has left, ending no later than the offer', () => {
  const input = toFromOfferInput(defaultFromOfferForm(offer, now), 'o1')
  expect(input).toMatchObject({ offerId: 'o1', priceFen: 3990, stock: 40 })
  expect(input.endAt).toBeLessThanOrEqual(offer.endAt)
  expect(validateFromOffer(input, offer).ok).toBe(true)
})

it('a price outside the range, more than is left, or past the offer is explained in the offer’s own terms', () => {
  const form = { ...defaultFromOfferForm(offer, now), price: '45', stock: '41' }
  const res = validateFromOffer(toFromOfferInput(form, 'o1'), offer)
  expect(!res.ok && res.errors).toMatchObject({ priceFen: '团购价需在 ¥32.90–¥39.90 之间', stock: '货源只剩 40箱' })
  const late = validateFromOffer({ ...toFromOfferInput(defaultFromOfferForm(offer, now), 'o1'), endAt: offer.endAt + 60_000 }, offer)
  expect(!late.ok && late.errors.endAt).toBe('结束时间不能晚于货源截止时间')
})

it('shows the commission of selling everything claimed', () => {
  expect(expectedCommissionFen(3590, 40, 1000)).toBe(359 * 40)
  expect(expectedCommissionFen(Number.NaN, 40, 1000)).toBe(0)
})

it('takes 阶梯价 as 件数:单价 pairs, and refuses a lowest tier below what the offer allows', () => {
  const ok = validateFromOffer(toFromOfferInput({ ...defaultFromOfferForm(offer, now), price: '39.9', tiers: '10:36.9, 30:33.9' }, 'o1'), offer)
  expect(ok.ok && ok.value.priceTiers).toEqual([{ minQuantity: 1, priceFen: 3990 }, { minQuantity: 10, priceFen: 3690 }, { minQuantity: 30, priceFen: 3390 }])
  const low = validateFromOffer(toFromOfferInput({ ...defaultFromOfferForm(offer, now), price: '39.9', tiers: '10:36.9, 30:30' }, 'o1'), offer)
  expect(!low.ok && low.errors.priceTiers).toBe('最低一档需不低于 ¥32.90')
})
