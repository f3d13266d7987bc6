import { endPresets, pickupPresets } from '@/shared/domain/time-presets'
import { applyEndPreset, applyPickupPreset, defaultForm, toInput, validateCreate, yuanToFen } from './form'

const now = new Date('2026-11-25T10:00:00+08:00').getTime()
const filled = { ...defaultForm(now), title: '阳光玫瑰 2斤', price: '19.9', originalPrice: '29.9', stock: '50', minParticipants: '3', limitPerUser: '2' }

it('turns yuan text into fen exactly', () => {
  expect(yuanToFen('19.9')).toBe(1990)
  expect(yuanToFen('0.05')).toBe(5)
  expect(yuanToFen('12')).toBe(1200)
  expect(yuanToFen('1.234')).toBeNaN()
  expect(yuanToFen('abc')).toBeNaN()
})

it('accepts a complete form as the cloud function would', () => {
  const res = validateCreate(toInput(filled, 'p1'))
  expect(res.ok).toBe(true)
  if (res.ok) expect(res.value).toMatchObject({ priceFen: 1990, originalPriceFen: 2990, minParticipants: 3, endAt: now + 86400e3 })
})

it('tells the leader, in Chinese and per field, what to fix', () => {
  const res = validateCreate(toInput({ ...filled, title: ' ', price: '', minParticipants: '0' }, 'p1'))
  expect(res.ok).toBe(false)
  if (res.ok) return
  expect(res.errors.title).toBe('请填写商品名称')
  expect(res.errors.priceFen).toBe('请填写团购价')
  expect(res.errors.minParticipants).toBe('成团人数不能小于 1')
})

it('checks the rules between fields once each field is valid', () => {
  const res = validateCreate(toInput({ ...filled, originalPrice: '9', limitPerUser: '80' }, 'p1'))
  expect(!res.ok && res.errors.originalPriceFen).toBe('原价不能低于团购价')
  expect(!res.ok && res.errors.limitPerUser).toBe('每人限购不能超过库存')
})

it('rejects an end before the start', () => {
  const res = validateCreate(toInput({ ...filled, endDate: filled.startDate, endTime: '00:00' }, 'p1'))
  expect(!res.ok && res.errors.endAt).toBe('结束时间必须晚于开始时间')
})

describe('time entry presets (#22)', () => {
  // 2026-12-05 10:30 China time (02:30 UTC): the form reads China time on any phone.
  const morning = Date.UTC(2026, 11, 5, 2, 30)
  it('starts now and ends a day later, in China time', () => {
    expect(defaultForm(morning)).toMatchObject({ startDate: '2026-12-05', startTime: '10:30', endDate: '2026-12-06', endTime: '10:30' })
  })
  it('今晚 20:00 截团 becomes the end time', () => {
    const tonight = endPresets(morning)[0]
    expect(tonight.label).toBe('今晚 20:00 截团')
    expect(applyEndPreset(tonight)).toEqual({ endDate: '2026-12-05', endTime: '20:00' })
    expect(toInput({ ...defaultForm(morning), ...applyEndPreset(tonight) }, 'pp1').endAt).toBe(Date.UTC(2026, 11, 5, 12, 0))
  })
  it('明日 16:00–20:00 提货 becomes the group buy\'s pickup window', () => {
    const tomorrow = pickupPresets(morning).find((p) => p.label === '明日 16:00–20:00 提货')!
    const form = { ...defaultForm(morning), title: '草莓', price: '19.9', ...applyPickupPreset(tomorrow) }
    const input = toInput(form, 'pp1')
    expect(input.pickupStartAt).toBe(Date.UTC(2026, 11, 6, 8, 0))
    expect(input.pickupEndAt).toBe(Date.UTC(2026, 11, 6, 12, 0))
    expect(validateCreate(input).ok).toBe(true)
    // No window given: none sent.
    expect(toInput({ ...defaultForm(morning), title: '草莓', price: '19.9' }, 'pp1')).not.toHaveProperty('pickupStartAt')
  })
})

it('reads 阶梯价 as 件数:单价 pairs after the first tier, and refuses a table whose prices do not fall', () => {
  const res = validateCreate(toInput({ ...filled, price: '30', originalPrice: '', tiers: '10:27， 30:25' }, 'p1'))
  expect(res.ok).toBe(true)
  if (res.ok) expect(res.value.priceTiers).toEqual([{ minQuantity: 1, priceFen: 3000 }, { minQuantity: 10, priceFen: 2700 }, { minQuantity: 30, priceFen: 2500 }])
  const bad = validateCreate(toInput({ ...filled, price: '30', originalPrice: '', tiers: '10:31' }, 'p1'))
  expect(bad.ok).toBe(false)
  if (!bad.ok) expect(bad.errors.priceTiers).toBe('各档价格必须逐档降低')
  const plain = validateCreate(toInput(filled, 'p1'))
  expect(plain.ok && plain.value.priceTiers).toBe(undefined)
})
