import { readdirSync, statSync } from 'fs'
import path from 'path'

/** A complete 1×1 PNG (signature, IHDR, IDAT, IEND). */
export const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
/** A complete 1×1 lossless WebP (RIFF/WEBP/VP8L). */
export const WEBP_1PX = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64')
/** The start of a JFIF JPEG (SOI + APP0 segment) and its end marker: what a camera's JPEG begins and ends with. */
export const JPEG_HEAD = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF\u0000', 'latin1'),
  Buffer.from([0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]),
])

/** A PNG-headed buffer of exactly `size` bytes (the signature decides the type; the rest is padding). */
export function pngOfSize(size: number): Buffer {
  const b = Buffer.alloc(size, 0x41)
  PNG_1PX.copy(b, 0, 0, Math.min(size, PNG_1PX.length))
  return b
}

/** Every file under a storage folder (the atomic-write scratch folder included: it must stay empty), sorted. */
export function storedFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else out.push(path.relative(dir, p))
    }
  }
  walk(dir)
  return out.sort()
}
