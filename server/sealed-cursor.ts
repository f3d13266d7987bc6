import { createCipheriv, createDecipheriv, randomBytes } from 'crypto'
import { isDuplicateWrite } from '@server/cloud'
import { decodeCursor, encodeCursor, type CursorPosition } from '@server/cursor'
import { findById } from '@server/fetch'

/**
 * Cursors that say nothing about where they point. A keyset cursor (server/cursor.ts) carries the last item's sort
 * value and id in the clear; for a list of ratings that was the exact instant and an id derived from the order, which
 * joined a rating's words to its order — the ledger line, the pick-list row, the resident (an audit:
 * test/node/attacks-aftersales-vouchers.test.ts). A sealed cursor is the same position encrypted and authenticated
 * (AES-256-GCM, a fresh IV each) under a key the clients never see: one random key per environment, written once to
 * `settings/cursorSeal` by whichever instance needs it first (a keyed insert, so every instance ends up with the same
 * one) and remembered by a warm instance. A cursor that does not open is `'invalid'`, as a forged one always was.
 */
const SETTINGS = 'settings'
const SEAL_ID = 'cursorSeal'
let cached: Buffer | null = null

async function sealKey(db: DB.Database): Promise<Buffer> {
  if (cached) return cached
  let doc = await findById<{ key: string }>(db, SETTINGS, SEAL_ID)
  if (!doc) {
    try {
      await db.collection(SETTINGS).add({ data: { _id: SEAL_ID, key: randomBytes(32).toString('base64') } })
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err
    }
    doc = await findById<{ key: string }>(db, SETTINGS, SEAL_ID)
  }
  const key = Buffer.from(doc?.key ?? '', 'base64')
  if (key.length !== 32) throw new Error('settings/cursorSeal: not a 32-byte key')
  cached = key
  return key
}

/** The position a sealed cursor points at: null for none, 'invalid' for one that does not open. */
export async function openCursor(db: DB.Database, cursor: string | undefined): Promise<CursorPosition | null | 'invalid'> {
  if (cursor === undefined) return null
  const raw = Buffer.from(cursor, 'base64url')
  if (raw.length < 12 + 16 + 1) return 'invalid'
  try {
    const decipher = createDecipheriv('aes-256-gcm', await sealKey(db), raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(12, 28))
    const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    return decodeCursor(plain)
  } catch {
    return 'invalid'
  }
}

/** A keyset page's next cursor (server/cursor.ts keysetPage), sealed. */
export async function sealCursor(db: DB.Database, next: string | null): Promise<string | null> {
  if (next === null) return null
  const pos = decodeCursor(next)
  if (!pos || pos === 'invalid') return null
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', await sealKey(db), iv)
  const body = Buffer.concat([cipher.update(encodeCursor(pos), 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
}
