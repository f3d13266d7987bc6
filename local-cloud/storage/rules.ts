// What the local cloud accepts into storage: the rules are pure so the SDK seam and the host's upload route
// share them and tests can read them.

/** The largest file anyone may store (CloudBase has no such cap; we keep product photos phone-sized). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024

/** The longest cloudPath accepted (COS allows 850 bytes; ours stay far below). */
export const MAX_PATH_LENGTH = 256

/** Where function code may write non-image exports (CSV pick lists). Public uploads never may. */
export const EXPORTS_PREFIX = 'exports/'

export function tooLargeMessage(): string {
  return `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`
}

export type StoredType = 'image/png' | 'image/jpeg' | 'image/webp' | 'text/csv' | 'application/json'

/** Who is writing: a user through the host's upload route, or function code through wx-server-sdk. */
export type Uploader = 'user' | 'function'

export type Verdict<T> = { ok: true; value: T } | { ok: false; message: string }

// One segment: letters, digits, `_`, `-`, `.`; not starting with a dot (no `.`, `..`, hidden files). The same
// alphabet as the `fileId` contract, so every fileID we issue passes it.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/

/** A cloudPath confined to the storage folder: relative, `/`-separated, plain segments only. */
export function checkCloudPath(cloudPath: unknown): Verdict<string> {
  if (typeof cloudPath !== 'string' || cloudPath.length === 0) return { ok: false, message: 'cloudPath is required' }
  if (cloudPath.length > MAX_PATH_LENGTH) return { ok: false, message: `cloudPath longer than ${MAX_PATH_LENGTH} characters` }
  if (cloudPath.startsWith('/')) return { ok: false, message: 'cloudPath must be relative (no leading /)' }
  const segments = cloudPath.split('/')
  for (const s of segments) {
    if (s === '' ) return { ok: false, message: 'cloudPath has an empty segment' }
    if (s === '.' || s === '..') return { ok: false, message: 'cloudPath may not contain . or .. segments' }
    if (!SEGMENT.test(s)) return { ok: false, message: `cloudPath segment "${s}" may use only letters, digits, _, - and . (not first)` }
  }
  return { ok: true, value: cloudPath }
}

/**
 * The file's type from its first bytes (never from its name): PNG, JPEG, WebP. Three fixed signatures, so a
 * dependency (file-type is ESM-only since v17) would cost more than these lines.
 */
export function sniffImage(bytes: Buffer): 'image/png' | 'image/jpeg' | 'image/webp' | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png'
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp'
  return null
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** CSV as our exports write it: valid UTF-8 text, no NUL bytes (so no binary passes as `.csv`). */
function isCsvText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}

/** JSON as the personal-data export writes it (user.exportMyData): UTF-8 text that parses. */
function isJsonText(bytes: Buffer): boolean {
  if (!isCsvText(bytes)) return false
  try {
    JSON.parse(bytes.toString('utf8'))
    return true
  } catch {
    return false
  }
}

/**
 * May these bytes be stored at this (already checked) path? Images for everyone; CSV and JSON only from
 * function code, only under exports/ and only as a `.csv` / `.json` file.
 */
export function checkContent(cloudPath: string, bytes: Buffer, uploader: Uploader): Verdict<StoredType> {
  if (bytes.length === 0) return { ok: false, message: 'the file is empty' }
  if (bytes.length > MAX_FILE_BYTES) return { ok: false, message: tooLargeMessage() }
  const image = sniffImage(bytes)
  if (image) return { ok: true, value: image }
  if (uploader === 'function' && cloudPath.startsWith(EXPORTS_PREFIX) && cloudPath.endsWith('.csv') && isCsvText(bytes)) return { ok: true, value: 'text/csv' }
  if (uploader === 'function' && cloudPath.startsWith(EXPORTS_PREFIX) && cloudPath.endsWith('.json') && isJsonText(bytes)) return { ok: true, value: 'application/json' }
  return { ok: false, message: uploader === 'function' ? 'only PNG, JPEG or WebP images (or UTF-8 .csv/.json under exports/) can be stored' : 'only PNG, JPEG or WebP images can be uploaded' }
}

/** The Content-Type a stored file is served with (sniffed again: what is on disk decides, not a side table). */
export function contentTypeOf(cloudPath: string, bytes: Buffer): string {
  const image = sniffImage(bytes)
  if (image) return image
  if (cloudPath.endsWith('.csv')) return 'text/csv; charset=utf-8'
  if (cloudPath.endsWith('.json')) return 'application/json; charset=utf-8'
  return 'application/octet-stream'
}
