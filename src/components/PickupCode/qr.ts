import qrcode from 'qrcode-generator'

/** The pickup code as a QR image the clerk's camera can read (GIF data URL; <Image> shows it on both targets). */
export function pickupQrDataUrl(code: string): string {
  const qr = qrcode(0, 'M')
  qr.addData(code)
  qr.make()
  return qr.createDataURL(6, 2)
}
