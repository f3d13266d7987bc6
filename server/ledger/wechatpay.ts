import Aes from 'wechatpay-axios-plugin/lib/aes'
import Formatter from 'wechatpay-axios-plugin/lib/formatter'
import Rsa from 'wechatpay-axios-plugin/lib/rsa'

/**
 * WeChat Pay API v3 for 商家转账, signed with `wechatpay-axios-plugin`'s building blocks (Rsa: SHA256-RSA2048
 * signatures and RSA-OAEP encryption; Aes.AesGcm: the notification's AEAD_AES_256_GCM; Formatter: nonce,
 * timestamp, the Authorization header and the strings that get signed). They are plain Node `crypto` with no
 * native code and no network of their own, so they run as they are inside a CloudBase function (Node 18); the
 * HTTP call is Node's own fetch. Nothing here hand-rolls RSA.
 */
export interface WechatPayConfig {
  /** The merchant (商户号) that received the residents' payments and pays the transfers from its balance. */
  mchId: string
  /** The mini-program's AppID, bound to the merchant. */
  appId: string
  /** APIv3 密钥 (32 bytes): decrypts notifications. */
  apiV3Key: string
  /** 商户API证书 private key (PEM, apiclient_key.pem) and its certificate serial number. */
  privateKey: string
  certSerial: string
  /** 微信支付公钥 (PEM) and its id (PUB_KEY_ID_…): verifies WeChat Pay's signatures and encrypts user_name. */
  platformPublicKey: string
  platformPublicKeyId: string
  /** Where WeChat Pay posts the transfer notification: the transferCallback function's HTTPS address. */
  notifyUrl: string
  /** https://api.mch.weixin.qq.com (WXPAY_API_BASE may point elsewhere, e.g. the backup domain api2). */
  apiBase: string
}

/** PEM keys may arrive from env variables with literal `\n` (one-line values). */
function pem(v: string | undefined): string {
  return (v ?? '').replace(/\\n/g, '\n')
}

/**
 * The merchant's settings from the function's environment (the deploy plan lists them; README says where each
 * is obtained). The merchant id is WXPAY_SUB_MCH_ID, the same account cloudPay collects into.
 */
export function wechatPayConfig(): WechatPayConfig {
  return {
    mchId: process.env.WXPAY_SUB_MCH_ID ?? '1900000109',
    appId: process.env.WXPAY_APPID ?? '',
    apiV3Key: process.env.WXPAY_API_V3_KEY ?? '',
    privateKey: pem(process.env.WXPAY_PRIVATE_KEY),
    certSerial: process.env.WXPAY_CERT_SERIAL ?? '',
    platformPublicKey: pem(process.env.WXPAY_PLATFORM_PUBLIC_KEY),
    platformPublicKeyId: process.env.WXPAY_PLATFORM_PUBLIC_KEY_ID ?? '',
    notifyUrl: process.env.WXPAY_TRANSFER_NOTIFY_URL ?? '',
    apiBase: process.env.WXPAY_API_BASE || 'https://api.mch.weixin.qq.com',
  }
}

/** Whether every secret the production client needs is present. */
export function isMerchantConfigured(c: WechatPayConfig): boolean {
  return Boolean(c.mchId && c.appId && c.apiV3Key && c.privateKey && c.certSerial && c.platformPublicKey && c.platformPublicKeyId)
}

/** user_name as WeChat Pay wants it: RSA-OAEP with its public key (the Wechatpay-Serial header names which). */
export function encryptSensitive(plain: string, c: Pick<WechatPayConfig, 'platformPublicKey'>): string {
  if (!c.platformPublicKey) throw new Error('WXPAY_PLATFORM_PUBLIC_KEY is not set: cannot encrypt user_name')
  return Rsa.encrypt(plain, Rsa.from(c.platformPublicKey, 'public'))
}

export interface V3Reply {
  status: number
  body: Record<string, unknown>
}

/**
 * One signed v3 call. The reply's signature is checked with the platform public key before it is believed (a
 * reply we cannot verify is an error, retried like any transient failure).
 */
export async function v3Request(c: WechatPayConfig, method: 'GET' | 'POST', uri: string, body?: object): Promise<V3Reply> {
  const payload = body === undefined ? '' : JSON.stringify(body)
  const nonce = Formatter.nonce()
  const timestamp = Formatter.timestamp()
  const signature = Rsa.sign(Formatter.request(method, uri, timestamp, nonce, payload), Rsa.from(c.privateKey, 'private'))
  const res = await fetch(c.apiBase + uri, {
    method,
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'User-Agent': 'linlituan-cloudfunction',
      Authorization: Formatter.authorization(c.mchId, nonce, signature, timestamp, c.certSerial),
      'Wechatpay-Serial': c.platformPublicKeyId,
    },
    body: method === 'GET' ? undefined : payload,
  })
  const text = await res.text()
  const headers: Record<string, string> = {}
  res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v))
  const checked = verifySignature(headers, text, c, Date.now())
  if (!checked.ok) throw new Error(`WeChat Pay reply not verified: ${checked.reason}`)
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

/** How far a signed timestamp may be from our clock (WeChat Pay's guidance: 5 minutes). */
const MAX_CLOCK_SKEW_S = 300

/** Check a WeChat Pay signature (replies and notifications share the scheme). Header names are lower-cased. */
export function verifySignature(headers: Record<string, string | undefined>, body: string, c: Pick<WechatPayConfig, 'platformPublicKey' | 'platformPublicKeyId'>, now: number): { ok: true } | { ok: false; reason: string } {
  const signature = headers['wechatpay-signature']
  const timestamp = headers['wechatpay-timestamp']
  const nonce = headers['wechatpay-nonce']
  const serial = headers['wechatpay-serial']
  if (!signature || !timestamp || !nonce || !serial) return { ok: false, reason: 'missing Wechatpay-* headers' }
  if (!c.platformPublicKey || serial !== c.platformPublicKeyId) return { ok: false, reason: `unknown Wechatpay-Serial ${serial}` }
  if (!/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_S) return { ok: false, reason: 'timestamp outside 5 minutes' }
  let valid = false
  try {
    valid = Rsa.verify(Formatter.response(timestamp, nonce, body), signature, Rsa.from(c.platformPublicKey, 'public'))
  } catch {
    valid = false
  }
  return valid ? { ok: true } : { ok: false, reason: 'bad signature' }
}

/** The decrypted resource of a MCHTRANSFER.BILL.FINISHED notification. */
export interface TransferBillResource {
  out_bill_no: string
  transfer_bill_no?: string
  state: string
  mch_id?: string
  transfer_amount?: number
  openid?: string
  fail_reason?: string
  create_time?: string
  update_time?: string
}

/**
 * Verify and decrypt a transfer notification: the signature over `timestamp\nnonce\nbody\n` with the platform
 * public key, then the resource with the APIv3 key (AEAD_AES_256_GCM, its nonce and associated_data). Anything
 * that does not pass is refused before its content is read.
 */
export function openTransferNotice(
  headers: Record<string, string | undefined>,
  body: string,
  c: Pick<WechatPayConfig, 'platformPublicKey' | 'platformPublicKeyId' | 'apiV3Key'>,
  now: number,
): { ok: true; eventType: string; resource: TransferBillResource } | { ok: false; reason: string } {
  const signed = verifySignature(headers, body, c, now)
  if (!signed.ok) return signed
  try {
    const notice = JSON.parse(body) as { event_type?: string; resource?: { algorithm?: string; ciphertext?: string; nonce?: string; associated_data?: string } }
    const r = notice.resource
    if (!r || r.algorithm !== 'AEAD_AES_256_GCM' || !r.ciphertext || !r.nonce) return { ok: false, reason: 'not an encrypted resource' }
    const plain = Aes.AesGcm.decrypt(r.ciphertext, c.apiV3Key, r.nonce, r.associated_data ?? '')
    const resource = JSON.parse(plain) as TransferBillResource
    if (typeof resource.out_bill_no !== 'string' || typeof resource.state !== 'string') return { ok: false, reason: 'resource lacks out_bill_no/state' }
    return { ok: true, eventType: String(notice.event_type ?? ''), resource }
  } catch (err) {
    return { ok: false, reason: `cannot decrypt: ${err instanceof Error ? err.message : String(err)}` }
  }
}
