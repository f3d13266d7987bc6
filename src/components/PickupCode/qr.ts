import qrcode from 'qrcode-generator'

/** Any short text as a QR image a camera can read (GIF data URL; <Image> shows it on both targets). */
export function qrDataUrl(text: string): string {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  return qr.createDataURL(6, 2)
}

/** The pickup code as a QR image for the clerk's scanner. */
export function pickupQrDataUrl(code: string): string {
  return qrDataUrl(code)
}
