import { defaultForm, presetCloseTonight, presetPickupTomorrow, todayDate, toInput, validateCreate, yuanToFen } from './form'

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
  // 2026-12-05 10:30 in the test's local time zone.
  const morning = new Date(2026, 11, 5, 10, 30).getTime()
  it('今晚 20:00 截团 is tonight, or tomorrow once tonight has passed', () => {
    expect(presetCloseTonight(morning)).toEqual({ endDate: '2026-12-05', endTime: '20:00' })
    expect(presetCloseTonight(new Date(2026, 11, 5, 21, 0).getTime())).toEqual({ endDate: '2026-12-06', endTime: '20:00' })
  })
  it('明日 16:00–20:00 提货 becomes the group buy\'s pickup window', () => {
    const form = { ...defaultForm(morning), title: '草莓', price: '19.9', ...presetPickupTomorrow(morning) }
    const input = toInput(form, 'pp1')
    expect(input.pickupStartAt).toBe(new Date(2026, 11, 6, 16, 0).getTime())
    expect(input.pickupEndAt).toBe(new Date(2026, 11, 6, 20, 0).getTime())
    expect(validateCreate(input).ok).toBe(true)
    // No window given: none sent.
    expect(toInput({ ...defaultForm(morning), title: '草莓', price: '19.9' }, 'pp1')).not.toHaveProperty('pickupStartAt')
    expect(todayDate(morning)).toBe('2026-12-05')
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
