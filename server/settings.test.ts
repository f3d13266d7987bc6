import { msSetting } from './settings'

describe('msSetting: a duration from the environment, or the default', () => {
  it('takes a whole number of ms, 0 included', () => {
    expect(msSetting('1500', 9)).toBe(1500)
    expect(msSetting('0', 9)).toBe(0)
  })

  it('falls back when unset, empty, negative, fractional or not a number', () => {
    for (const raw of [undefined, '', '-1', '1.5', 'abc', 'Infinity', '1e300']) expect(msSetting(raw, 9)).toBe(9)
  })

  it('refuses 0 where the setting must be positive (a payment window of 0 would expire every hold at once)', () => {
    expect(msSetting('0', 9, { positive: true })).toBe(9)
    expect(msSetting('1', 9, { positive: true })).toBe(1)
  })
})
