// The plugin's building blocks imported one by one, so a cloud function's bundle carries Node-crypto helpers
// only (the package's main entry would also pull in axios and an XML parser we never use).
declare module 'wechatpay-axios-plugin/lib/rsa' {
  import { Rsa } from 'wechatpay-axios-plugin'
  export = Rsa
}
declare module 'wechatpay-axios-plugin/lib/aes' {
  import { Aes } from 'wechatpay-axios-plugin'
  export = Aes
}
declare module 'wechatpay-axios-plugin/lib/formatter' {
  import { Formatter } from 'wechatpay-axios-plugin'
  export = Formatter
}
