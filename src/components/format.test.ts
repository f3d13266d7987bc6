import { formatFen, formatSeq } from './format'

describe('format', () => {
  it('shows a 跟团号 as #n, and a dash for an order without one (not paid yet)', () => {
    expect(formatSeq(12)).toBe('#12')
    expect(formatSeq(null)).toBe('—')
    expect(formatSeq(undefined)).toBe('—')
  })
  it('shows fen as yuan with two decimals, negative with a sign', () => {
    expect(formatFen(3990)).toBe('¥39.90')
    expect(formatFen(-5)).toBe('-¥0.05')
  })
})
