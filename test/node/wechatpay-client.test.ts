/**
 * Issue #20: the production 商家转账 client (server/ledger/transfer.ts + wechatpay.ts) against a stand-in for
 * api.mch.weixin.qq.com that checks what WeChat Pay checks: the merchant's SHA256-RSA2048 signature over
 * `METHOD\nURI\ntimestamp\nnonce\nbody\n`, user_name decryptable with the platform private key. It answers signed
 * with the platform key, and the client refuses an answer whose signature does not verify.
 */
import { generateKeyPairSync } from 'crypto'
import http from 'http'
import type { AddressInfo } from 'net'
import Formatter from 'wechatpay-axios-plugin/lib/formatter'
import Rsa from 'wechatpay-axios-plugin/lib/rsa'
import { wechatPayTransferApi, type TransferBillRequest } from '@server/ledger/transfer'
import { encryptSensitive, type WechatPayConfig } from '@server/ledger/wechatpay'

const keys = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } })
const merchant = keys()
const platform = keys()

interface Seen {
  method: string
  uri: string
  body: Record<string, unknown>
  userName: string | null
}

let server: http.Server
let base = ''
const seen: Seen[] = []
let signReplies: 'good' | 'bad' = 'good'

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const auth = String(req.headers.authorization ?? '')
      const field = (k: string) => new RegExp(`${k}="([^"]*)"`).exec(auth)?.[1] ?? ''
      const ok = auth.startsWith('WECHATPAY2-SHA256-RSA2048 ') && field('mchid') === '1900000109' && field('serial_no') === 'MERCHANTSERIAL'
        && Rsa.verify(Formatter.request(req.method!, req.url!, field('timestamp'), field('nonce_str'), text), field('signature'), Rsa.from(merchant.publicKey, 'public'))
      let status = 200
      let reply: Record<string, unknown>
      if (!ok) {
        status = 401
        reply = { code: 'SIGN_ERROR', message: '签名错误' }
      } else {
        const body = text ? (JSON.parse(text) as Record<string, unknown>) : {}
        const userName = typeof body.user_name === 'string' ? Rsa.decrypt(body.user_name, Rsa.from(platform.privateKey, 'private')) : null
        seen.push({ method: req.method!, uri: req.url!, body, userName })
        if (req.method === 'POST' && req.url === '/v3/fund-app/mch-transfer/transfer-bills') reply = { out_bill_no: body.out_bill_no, transfer_bill_no: '1330000000001', state: 'WAIT_USER_CONFIRM', package_info: 'PKG', create_time: '2026-12-05T20:00:00+08:00' }
        else if (req.url!.endsWith('/cancel')) reply = { out_bill_no: 'x', state: 'CANCELING', update_time: '2026-12-05T20:00:00+08:00' }
        else if (req.url!.includes('/out-bill-no/missing')) {
          status = 404
          reply = { code: 'NOT_FOUND', message: '记录不存在' }
        } else reply = { out_bill_no: 'po1', state: 'SUCCESS', transfer_amount: 100, openid: 'o1' }
      }
      const payload = JSON.stringify(reply)
      const ts = String(Formatter.timestamp())
      const nonce = Formatter.nonce()
      const signature = Rsa.sign(Formatter.response(ts, nonce, signReplies === 'good' ? payload : payload + ' '), Rsa.from(platform.privateKey, 'private'))
      res.writeHead(status, { 'content-type': 'application/json', 'Wechatpay-Timestamp': ts, 'Wechatpay-Nonce': nonce, 'Wechatpay-Serial': 'PUB_KEY_ID_TEST', 'Wechatpay-Signature': signature })
      res.end(payload)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((r) => server.close(() => r())))

function config(over: Partial<WechatPayConfig> = {}): WechatPayConfig {
  return {
    mchId: '1900000109', appId: 'wx1234567890', apiV3Key: '0123456789abcdef0123456789abcdef', privateKey: merchant.privateKey, certSerial: 'MERCHANTSERIAL',
    platformPublicKey: platform.publicKey, platformPublicKeyId: 'PUB_KEY_ID_TEST', notifyUrl: 'https://example.com/transferCallback', apiBase: base, ...over,
  }
}

const bill = (over: Partial<TransferBillRequest> = {}): TransferBillRequest => ({
  appid: 'wx1234567890', out_bill_no: 'po0123456789', transfer_scene_id: '1005', openid: 'o1', transfer_amount: 250_000, transfer_remark: '邻里团团长佣金提现',
  notify_url: 'https://example.com/transferCallback', user_recv_perception: '劳务报酬', transfer_scene_report_infos: [{ info_type: '岗位类型', info_content: '社区团长' }], ...over,
})

describe('WeChat Pay v3 client (商家转账)', () => {
  it('creates a bill signed with the merchant key; user_name arrives decryptable by WeChat Pay only', async () => {
    const api = wechatPayTransferApi(config())
    const cipher = encryptSensitive('王小明', config())
    expect(cipher).not.toContain('王小明')
    const res = await api.createBill(bill({ user_name: cipher }))
    expect(res).toMatchObject({ state: 'WAIT_USER_CONFIRM', package_info: 'PKG' })
    expect(seen.at(-1)).toMatchObject({ method: 'POST', uri: '/v3/fund-app/mch-transfer/transfer-bills', userName: '王小明' })
    expect(seen.at(-1)!.body).toMatchObject({ out_bill_no: 'po0123456789', transfer_scene_id: '1005', transfer_amount: 250_000 })
  })

  it('queries and cancels by out_bill_no; a missing bill is an error reply, not a state', async () => {
    const api = wechatPayTransferApi(config())
    expect((await api.queryBill({ out_bill_no: 'po1' })).state).toBe('SUCCESS')
    expect(seen.at(-1)).toMatchObject({ method: 'GET', uri: '/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/po1' })
    expect((await api.cancelBill({ out_bill_no: 'po1' })).state).toBe('CANCELING')
    expect(seen.at(-1)).toMatchObject({ method: 'POST', uri: '/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/po1/cancel' })
    expect(await api.queryBill({ out_bill_no: 'missing' })).toEqual({ code: 'NOT_FOUND', message: '记录不存在' })
  })

  it('a request signed with another key is refused by WeChat Pay; a reply it did not sign is refused by us', async () => {
    const other = keys()
    expect(await wechatPayTransferApi(config({ privateKey: other.privateKey })).queryBill({ out_bill_no: 'po1' })).toEqual({ code: 'SIGN_ERROR', message: '签名错误' })
    signReplies = 'bad'
    try {
      await expect(wechatPayTransferApi(config()).queryBill({ out_bill_no: 'po1' })).rejects.toThrow(/not verified/)
    } finally {
      signReplies = 'good'
    }
  })
})
