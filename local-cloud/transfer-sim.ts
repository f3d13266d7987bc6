import { generateKeyPairSync, randomBytes } from 'crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'fs'
import Aes from 'wechatpay-axios-plugin/lib/aes'
import Formatter from 'wechatpay-axios-plugin/lib/formatter'
import Rsa from 'wechatpay-axios-plugin/lib/rsa'
import { needsUserName } from '../src/shared/domain/payout'
import type { BillReply, TransferApi, TransferBillRequest } from '../server/ledger/transfer'

/**
 * WeChat Pay's 商家转账 (user-confirmed merchant transfer), offline, behind the TransferApi server/ledger/transfer.ts
 * uses. It follows WeChat Pay's states: a created bill waits for the payee (WAIT_USER_CONFIRM, with a package_info);
 * the payee's 确认收款 makes it SUCCESS, letting it run out makes it FAIL, the merchant's cancel makes it CANCELLED.
 * Each end is told to the transferCallback function as WeChat Pay tells notify_url: an HTTP POST signed with the
 * platform key and its resource encrypted with the APIv3 key (both the simulator's own, published to the
 * functions as WXPAY_PLATFORM_PUBLIC_KEY / WXPAY_API_V3_KEY), retried until it is acknowledged. Bills, keys and
 * undelivered notices persist in `<dataDir>/transfer-sim.json`, so a restarted local cloud remembers them.
 */
export type SimBillState = 'WAIT_USER_CONFIRM' | 'SUCCESS' | 'FAIL' | 'CANCELLED'

export interface SimBill {
  outBillNo: string
  openid: string
  amountFen: number
  state: SimBillState
  transferBillNo: string
  packageInfo: string
  failReason: string | null
  /** What user_name decrypted to (null when none was sent): tests check it is sent exactly from ¥2,000. */
  userName: string | null
  notifyUrl: string
  /** The notification for the current end state was acknowledged. */
  notified: boolean
  createdAt: number
  updatedAt: number
}

/** One bill as GET /sim/transfers shows it. */
export interface SimTransferItem {
  outBillNo: string
  openid: string
  amountFen: number
  state: SimBillState
}

export type DeliverHttp = (functionName: string, event: Record<string, unknown>) => Promise<unknown>

interface Persisted {
  privateKey: string
  publicKey: string
  apiV3Key: string
  bills: SimBill[]
}

export const SIM_PUBLIC_KEY_ID = 'PUB_KEY_ID_0114LOCALSIM'
export const TRANSFER_CALLBACK_FUNCTION = 'transferCallback'

export class TransferSimulator {
  private readonly bills = new Map<string, SimBill>()
  private readonly keys: { privateKey: string; publicKey: string; apiV3Key: string }
  private failuresLeft = 0
  private failFinally = false
  /** Bill-creation calls made, accepted or not (tests assert on retries). */
  calls = 0
  /** Cancel calls made. */
  cancelCalls = 0

  constructor(private readonly opts: { file?: string; deliver?: DeliverHttp } = {}) {
    const stored = opts.file && existsSync(opts.file) ? (JSON.parse(readFileSync(opts.file, 'utf8')) as Persisted) : null
    if (stored) {
      this.keys = { privateKey: stored.privateKey, publicKey: stored.publicKey, apiV3Key: stored.apiV3Key }
      for (const b of stored.bills) this.bills.set(b.outBillNo, b)
    } else {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } })
      this.keys = { privateKey: pair.privateKey, publicKey: pair.publicKey, apiV3Key: randomBytes(16).toString('hex') }
      this.save()
    }
  }

  /** What the functions must be configured with to verify and decrypt this simulator's notices. */
  get platform() {
    return { publicKey: this.keys.publicKey, publicKeyId: SIM_PUBLIC_KEY_ID, apiV3Key: this.keys.apiV3Key }
  }

  private save(): void {
    if (!this.opts.file) return
    const data: Persisted = { ...this.keys, bills: [...this.bills.values()] }
    const tmp = `${this.opts.file}.tmp`
    writeFileSync(tmp, JSON.stringify(data))
    renameSync(tmp, this.opts.file)
  }

  private reply(b: SimBill): BillReply {
    return {
      state: b.state,
      transfer_bill_no: b.transferBillNo,
      transfer_amount: b.amountFen,
      openid: b.openid,
      ...(b.state === 'WAIT_USER_CONFIRM' ? { package_info: b.packageInfo } : {}),
      ...(b.failReason ? { fail_reason: b.failReason } : {}),
    }
  }

  /** The object installed as cloud.merchantTransfer. */
  api(): TransferApi {
    return {
      createBill: async (req: TransferBillRequest) => {
        this.calls++
        if (this.failuresLeft > 0) {
          this.failuresLeft--
          if (!this.failFinally) return { code: 'SYSTEM_ERROR', message: 'simulated transfer failure' }
          return { state: 'FAIL', fail_reason: 'simulated: payee cannot receive transfers', transfer_amount: req.transfer_amount, openid: req.openid }
        }
        const invalid = validate(req)
        if (invalid) return { code: 'PARAM_ERROR', message: invalid }
        const prior = this.bills.get(req.out_bill_no)
        if (prior) {
          if (prior.amountFen !== req.transfer_amount || prior.openid !== req.openid) return { code: 'INVALID_REQUEST', message: '单号已存在但信息不一致,请查单后比较确认' }
          return this.reply(prior)
        }
        let userName: string | null = null
        if (req.user_name !== undefined) {
          try {
            userName = Rsa.decrypt(req.user_name, Rsa.from(this.keys.privateKey, 'private'))
          } catch {
            return { code: 'PARAM_ERROR', message: 'user_name 解密失败' }
          }
        }
        if (needsUserName(req.transfer_amount) && !userName) return { code: 'PARAM_ERROR', message: '转账金额>=2,000元时,user_name必填' }
        const now = Date.now()
        const bill: SimBill = {
          outBillNo: req.out_bill_no, openid: req.openid, amountFen: req.transfer_amount, state: 'WAIT_USER_CONFIRM',
          transferBillNo: `1330${now}${randomBytes(4).toString('hex')}`, packageInfo: `SIMPKG${randomBytes(12).toString('base64')}`,
          failReason: null, userName, notifyUrl: req.notify_url, notified: false, createdAt: now, updatedAt: now,
        }
        this.bills.set(bill.outBillNo, bill)
        this.save()
        return this.reply(bill)
      },
      queryBill: async ({ out_bill_no }) => {
        const b = this.bills.get(out_bill_no)
        return b ? this.reply(b) : { code: 'NOT_FOUND', message: '记录不存在' }
      },
      cancelBill: async ({ out_bill_no }) => {
        this.cancelCalls++
        const b = this.bills.get(out_bill_no)
        if (!b) return { code: 'NOT_FOUND', message: '记录不存在' }
        if (b.state === 'CANCELLED') return { state: 'CANCELLED', transfer_bill_no: b.transferBillNo }
        if (b.state !== 'WAIT_USER_CONFIRM') return { code: 'INVALID_REQUEST', message: `单据状态为${b.state},不可撤销` }
        this.end(b, 'CANCELLED', null)
        void this.notify(b.outBillNo)
        return { state: 'CANCELLED', transfer_bill_no: b.transferBillNo }
      },
    }
  }

  private end(b: SimBill, state: SimBillState, failReason: string | null): void {
    b.state = state
    b.failReason = failReason
    b.notified = false
    b.updatedAt = Date.now()
    this.save()
  }

  /** The payee taps 确认收款 (wx.requestMerchantTransfer); `openid`, when given, must be the bill's payee. */
  async confirm(outBillNo: string, openid?: string): Promise<{ ok: boolean; reason?: string; delivered?: boolean }> {
    const b = this.bills.get(outBillNo)
    if (!b) return { ok: false, reason: 'no such transfer bill' }
    if (openid && openid !== b.openid) return { ok: false, reason: '你的微信号与商家指定的收款微信号不一致' }
    if (b.state !== 'WAIT_USER_CONFIRM') return { ok: false, reason: `bill is ${b.state}` }
    this.end(b, 'SUCCESS', null)
    return { ok: true, delivered: await this.notify(outBillNo) }
  }

  /** The bill runs out unconfirmed (WeChat Pay closes it after 24 h as FAIL and returns the money to the merchant). */
  async expire(outBillNo: string): Promise<{ ok: boolean; reason?: string; delivered?: boolean }> {
    const b = this.bills.get(outBillNo)
    if (!b) return { ok: false, reason: 'no such transfer bill' }
    if (b.state !== 'WAIT_USER_CONFIRM') return { ok: false, reason: `bill is ${b.state}` }
    this.end(b, 'FAIL', 'TRANSFER_TIMEOUT: 用户超过24小时未确认收款')
    return { ok: true, delivered: await this.notify(outBillNo) }
  }

  /** The HTTP event WeChat Pay would post for a bill's current state (signed; `tamper` breaks the signature). */
  noticeEvent(outBillNo: string, opts: { tamper?: boolean; at?: number } = {}): Record<string, unknown> | null {
    const b = this.bills.get(outBillNo)
    if (!b) return null
    const resource = JSON.stringify({
      out_bill_no: b.outBillNo, transfer_bill_no: b.transferBillNo, state: b.state, mch_id: process.env.WXPAY_SUB_MCH_ID ?? '1900000109',
      transfer_amount: b.amountFen, openid: b.openid, ...(b.failReason ? { fail_reason: b.failReason } : {}),
      create_time: new Date(b.createdAt).toISOString(), update_time: new Date(b.updatedAt).toISOString(),
    })
    const nonce = Formatter.nonce(12)
    const body = JSON.stringify({
      id: randomBytes(16).toString('hex'), create_time: new Date().toISOString(), resource_type: 'encrypt-resource', event_type: 'MCHTRANSFER.BILL.FINISHED', summary: '商家转账单据终态通知',
      resource: { original_type: 'mch_payment', algorithm: 'AEAD_AES_256_GCM', ciphertext: Aes.AesGcm.encrypt(resource, this.keys.apiV3Key, nonce, 'mch_payment'), associated_data: 'mch_payment', nonce },
    })
    const timestamp = String(Math.floor((opts.at ?? Date.now()) / 1000))
    const headerNonce = Formatter.nonce()
    const signature = Rsa.sign(Formatter.response(timestamp, headerNonce, body), Rsa.from(this.keys.privateKey, 'private'))
    return {
      httpMethod: 'POST', path: '/', isBase64Encoded: false,
      headers: {
        'content-type': 'application/json', 'Wechatpay-Timestamp': timestamp, 'Wechatpay-Nonce': headerNonce, 'Wechatpay-Serial': SIM_PUBLIC_KEY_ID,
        'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048', 'Wechatpay-Signature': opts.tamper ? signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) : signature,
      },
      body,
    }
  }

  /** Deliver the bill's end-state notification, retried (as WeChat Pay does) until the function answers 2xx. */
  async notify(outBillNo: string, attempts = 5): Promise<boolean> {
    const b = this.bills.get(outBillNo)
    if (!b || b.state === 'WAIT_USER_CONFIRM' || !b.notifyUrl || !this.opts.deliver) return false
    for (let i = 0; i < attempts; i++) {
      const event = this.noticeEvent(outBillNo)!
      const res = (await this.opts.deliver(TRANSFER_CALLBACK_FUNCTION, event).catch(() => null)) as { statusCode?: number } | null
      if (res && typeof res.statusCode === 'number' && res.statusCode >= 200 && res.statusCode < 300) {
        b.notified = true
        this.save()
        return true
      }
      await new Promise((r) => setTimeout(r, 20 * (i + 1)))
    }
    return false
  }

  /** Deliver every end state not yet acknowledged (a restarted local cloud, a callback that was down). */
  async redeliver(): Promise<number> {
    let n = 0
    for (const b of [...this.bills.values()]) if (b.state !== 'WAIT_USER_CONFIRM' && !b.notified && (await this.notify(b.outBillNo))) n++
    return n
  }

  /** The next `count` bill creations fail; `final` makes them definitive refusals (state FAIL) instead of SYSTEM_ERROR. */
  failNext(count: number, final = false): void {
    this.failuresLeft = count
    this.failFinally = final
  }

  list(): SimTransferItem[] {
    return [...this.bills.values()].sort((a, b) => b.createdAt - a.createdAt).map((b) => ({ outBillNo: b.outBillNo, openid: b.openid, amountFen: b.amountFen, state: b.state }))
  }

  bill(outBillNo: string): SimBill | null {
    return this.bills.get(outBillNo) ?? null
  }

  /** What reached one payee's WeChat balance in total (confirmed bills). */
  paidTo(openid: string): number {
    let sum = 0
    for (const b of this.bills.values()) if (b.openid === openid && b.state === 'SUCCESS') sum += b.amountFen
    return sum
  }

  billCount(): number {
    return this.bills.size
  }
}

/** WeChat Pay's own field rules for a bill (the ones a mistake of ours would break). */
function validate(r: TransferBillRequest): string | null {
  if (!r.appid) return 'appid 必填'
  if (!/^[A-Za-z0-9]{1,32}$/.test(r.out_bill_no ?? '')) return 'out_bill_no 只能由数字、大小写字母组成,最长32位'
  if (!r.transfer_scene_id) return 'transfer_scene_id 必填'
  if (!r.openid) return 'openid 必填'
  if (!Number.isInteger(r.transfer_amount) || r.transfer_amount <= 0) return 'transfer_amount 必须为正整数(分)'
  if (!r.transfer_remark || [...r.transfer_remark].length > 32) return 'transfer_remark 必填且最多32个字符'
  if (!r.user_recv_perception) return 'user_recv_perception 必填'
  if (!Array.isArray(r.transfer_scene_report_infos) || r.transfer_scene_report_infos.length === 0) return '需传入转账场景报备信息,请检查'
  return null
}
