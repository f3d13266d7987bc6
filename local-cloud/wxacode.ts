import { deflateSync } from 'zlib'
import qrcode from 'qrcode-generator'

/**
 * The local stand-in for `cloud.openapi.wxacode.getUnlimited`: WeChat draws a round mini-program code for
 * (page, scene); offline we draw a square QR code of the same scene, as a PNG like WeChat's answer.
 * qrcode-generator itself only writes GIF data URLs, SVG and HTML (no PNG), so its module matrix is encoded here
 * as an 8-bit grayscale PNG (zlib from Node, CRC-32 below): the bytes are a real PNG any viewer and canvas decode.
 */
export interface WxacodeRequest {
  scene: string
  page?: string
  checkPath?: boolean
  envVersion?: string
  width?: number
}

export interface WxacodeCall extends WxacodeRequest {
  at: number
}

/** What the real call answers: the image bytes and their type (errors are thrown, as the SDK does). */
export function localWxacode(calls: WxacodeCall[]) {
  return {
    getUnlimited: async (req: WxacodeRequest) => {
      if (typeof req.scene !== 'string' || req.scene.length === 0 || req.scene.length > 32 || !/^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/.test(req.scene)) {
        throw Object.assign(new Error('openapi.wxacode.getUnlimited:fail invalid scene'), { errCode: 40169 })
      }
      if (req.page !== undefined && (req.page.startsWith('/') || req.page.includes('?'))) {
        throw Object.assign(new Error('openapi.wxacode.getUnlimited:fail invalid page'), { errCode: 41030 })
      }
      calls.push({ ...req, at: Date.now() })
      return { errCode: 0, errMsg: 'openapi.wxacode.getUnlimited:ok', contentType: 'image/png', buffer: qrPng(req.scene, req.width ?? 430) }
    },
  }
}

/** A QR code of `text`, about `width` px square (whole pixels per module, a 4-module quiet zone), as PNG bytes. */
export function qrPng(text: string, width = 430): Buffer {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const modules = qr.getModuleCount()
  const margin = 4
  const cell = Math.max(1, Math.floor(width / (modules + margin * 2)))
  const size = (modules + margin * 2) * cell
  const raw = Buffer.alloc((size + 1) * size, 0xff)
  for (let y = 0; y < size; y++) {
    raw[y * (size + 1)] = 0 // filter: none
    const my = Math.floor(y / cell) - margin
    for (let x = 0; x < size; x++) {
      const mx = Math.floor(x / cell) - margin
      if (my >= 0 && my < modules && mx >= 0 && mx < modules && qr.isDark(my, mx)) raw[y * (size + 1) + 1 + x] = 0
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 0 // grayscale
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length, 0)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body), 0)
  return Buffer.concat([len, body, crc])
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

function crc32(buf: Buffer): number {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
