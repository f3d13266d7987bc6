import { createCipheriv, createDecipheriv, randomBytes } from 'crypto'
import { maskPhone } from '@shared/domain/insight'

/**
 * Phone numbers, should one ever be collected for delivery or pickup (none is today): stored only encrypted
 * (AES-256-GCM, a fresh IV per value, authenticated so a tampered value fails instead of decrypting to garbage),
 * shown only masked. The key is 32 bytes, base64, in the function's environment (`PII_KEY`), never in the
 * database or the code; without it nothing is stored.
 */
const VERSION = 'v1'

function key(): Buffer {
  const raw = process.env.PII_KEY ?? ''
  const k = Buffer.from(raw, 'base64')
  if (k.length !== 32) throw new Error('PII_KEY must be 32 bytes, base64')
  return k
}

export interface StoredPhone {
  /** `v1.<iv>.<tag>.<ciphertext>`, base64 parts. */
  phoneEnc: string
  /** What leaders and clerks may see: 138****5678. */
  phoneMasked: string
}

export function sealPhone(phone: string): StoredPhone {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key(), iv)
  const body = Buffer.concat([cipher.update(phone, 'utf8'), cipher.final()])
  return { phoneEnc: [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.'), phoneMasked: maskPhone(phone) }
}

/** The number itself, for the one flow that needs it (a courier's call); throws on a wrong key or tampering. */
export function openPhone(phoneEnc: string): string {
  const [version, iv, tag, body] = phoneEnc.split('.')
  if (version !== VERSION || !iv || !tag || !body) throw new Error('not a sealed phone number')
  const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64'))
  decipher.setAuthTag(Buffer.from(tag, 'base64'))
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8')
}
