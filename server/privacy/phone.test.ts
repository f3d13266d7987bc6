import { randomBytes } from 'crypto'
import { openPhone, sealPhone } from './phone'

const KEY = randomBytes(32).toString('base64')

describe('phone numbers at rest', () => {
  const saved = process.env.PII_KEY
  beforeEach(() => {
    process.env.PII_KEY = KEY
  })
  afterAll(() => {
    process.env.PII_KEY = saved
  })

  it('stores only ciphertext and the masked form, and opens back to the number', () => {
    const sealed = sealPhone('13812345678')
    expect(sealed.phoneMasked).toBe('138****5678')
    expect(sealed.phoneEnc).not.toContain('13812345678')
    expect(sealed.phoneEnc).not.toContain('12345678')
    expect(openPhone(sealed.phoneEnc)).toBe('13812345678')
    // A fresh IV each time: the same number never stores the same way twice.
    expect(sealPhone('13812345678').phoneEnc).not.toBe(sealed.phoneEnc)
  })

  it('refuses a tampered value or another key instead of returning garbage', () => {
    const sealed = sealPhone('13812345678')
    const parts = sealed.phoneEnc.split('.')
    const body = Buffer.from(parts[3], 'base64')
    body[0] ^= 1
    expect(() => openPhone([parts[0], parts[1], parts[2], body.toString('base64')].join('.'))).toThrow()
    process.env.PII_KEY = randomBytes(32).toString('base64')
    expect(() => openPhone(sealed.phoneEnc)).toThrow()
  })

  it('stores nothing without a proper key', () => {
    process.env.PII_KEY = ''
    expect(() => sealPhone('13812345678')).toThrow(/PII_KEY/)
    process.env.PII_KEY = Buffer.alloc(16).toString('base64')
    expect(() => sealPhone('13812345678')).toThrow(/PII_KEY/)
  })
})
