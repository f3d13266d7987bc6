import { compareDeliveryStops, decideDelivery, deliveryFeeFor, logisticsTypeFor, naturalCompare, splitDeliveryFee } from './delivery'
import { splitShares, sumShares, type SplitTerms } from './ledger'

const settings = { enabled: true, feeFen: 300, freeOverFen: 5000, buildings: ['2栋', '10栋'], slots: [{ startAt: 2000, endAt: 3000 }] }

describe('配送到家 rules', () => {
  it('natural order: 2栋 before 10栋, 101 before 1201, A after the plain number', () => {
    expect(['10栋', '2栋', '1栋', '2栋A', '02栋'].sort(naturalCompare)).toEqual(['1栋', '2栋', '02栋', '2栋A', '10栋'])
    expect(['1201', '201', '101', '3-201', '3-1201', '12-1'].sort(naturalCompare)).toEqual(['3-201', '3-1201', '12-1', '101', '201', '1201'])
    const stop = (building: string, room: string, orderId = 'o') => ({ building, room, slotStartAt: 0, orderId })
    expect([stop('10栋', '101'), stop('2栋', '1201'), stop('2栋', '101')].sort(compareDeliveryStops).map((s) => s.building + s.room)).toEqual(['2栋101', '2栋1201', '10栋101'])
  })

  it('the fee, free at or over the threshold (never free without one)', () => {
    expect(deliveryFeeFor(settings, 4999)).toBe(300)
    expect(deliveryFeeFor(settings, 5000)).toBe(0)
    expect(deliveryFeeFor({ feeFen: 300, freeOverFen: null }, 1_000_000)).toBe(300)
  })

  it('a join: served building, one of the slots not yet ended', () => {
    const ask = { building: '2栋', room: '101', slot: { startAt: 2000, endAt: 3000 } }
    expect(decideDelivery(settings, ask, 1000, 1000)).toEqual({ ok: true, delivery: { building: '2栋', room: '101', slotStartAt: 2000, slotEndAt: 3000, feeFen: 300 } })
    expect(decideDelivery({ ...settings, enabled: false }, ask, 1000, 1000)).toMatchObject({ ok: false, error: 'DELIVERY.NOT_OFFERED' })
    expect(decideDelivery(null, ask, 1000, 1000)).toMatchObject({ ok: false, error: 'DELIVERY.NOT_OFFERED' })
    expect(decideDelivery(settings, { ...ask, building: '3栋' }, 1000, 1000)).toMatchObject({ ok: false, error: 'DELIVERY.BUILDING_NOT_SERVED' })
    expect(decideDelivery(settings, ask, 1000, 3000)).toMatchObject({ ok: false, error: 'DELIVERY.SLOT_INVALID' })
    expect(decideDelivery(settings, { ...ask, slot: { startAt: 2000, endAt: 2999 } }, 1000, 1000)).toMatchObject({ ok: false, error: 'DELIVERY.SLOT_INVALID' })
  })

  it('the fee is the store’s, taken first and only out of what is kept; the shares always add up', () => {
    expect(splitDeliveryFee(1300, 300)).toEqual({ storeFen: 300, goodsFen: 1000 })
    expect(splitDeliveryFee(200, 300)).toEqual({ storeFen: 200, goodsFen: 0 })
    expect(splitDeliveryFee(0, 300)).toEqual({ storeFen: 0, goodsFen: 0 })
    const own: SplitTerms = { kind: 'own', supplyPriceFen: 0, commissionBp: 0, tierBonusBp: 0, handlingFeeFen: 50, platformFeeBp: 500, deliveryFeeFen: 300 }
    const plain = splitShares(1000, 1, { ...own, deliveryFeeFen: 0 })
    expect(splitShares(1300, 1, own)).toEqual({ ...plain, store: plain.store + 300 })
    const offer: SplitTerms = { kind: 'offer', supplyPriceFen: 600, commissionBp: 1000, tierBonusBp: 0, handlingFeeFen: 20, platformFeeBp: 0, deliveryFeeFen: 300 }
    for (const amount of [0, 1, 299, 300, 301, 1300, 2600]) expect(sumShares(splitShares(amount, 2, offer))).toBe(amount)
  })

  it('shipping: 同城配送 (2) for a delivered order, 用户自提 (4) otherwise', () => {
    expect(logisticsTypeFor('DELIVERY')).toBe(2)
    expect(logisticsTypeFor('PICKUP')).toBe(4)
    expect(logisticsTypeFor(undefined)).toBe(4)
  })
})
