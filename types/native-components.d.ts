// Native WeChat components used from React pages in the weapp build (declared in the page's usingComponents).
// Lower-case, single-word props: Taro passes them to the native component's properties as-is.
export {}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      /** src/components/native/pickup-code — weapp only; H5 renders the React PickupCode. */
      'pickup-code': {
        code: string
        /** Epoch ms; 0 hides the expiry line. */
        expires: number
        /** QR data URL from pickupQrDataUrl(). */
        qr: string
        used?: boolean
        /** Fired after the code was copied to the clipboard; detail: { code }. */
        onCopy?: (e: { detail: { code: string } }) => void
      }
    }
  }
}
