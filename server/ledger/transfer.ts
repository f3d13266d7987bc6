import type { Party } from '@shared/domain/ledger'
import { needsUserName } from '@shared/domain/payout'
import { getCloud } from '@server/cloud'
import { isMerchantConfigured, v3Request, wechatPayConfig, type WechatPayConfig } from '@server/ledger/wechatpay'

/**
 * Paying a payout out: WeChat Pay's 商家转账 in its user-confirmed form (merchants opened since 2025-01-15). We
 * create a transfer bill (`POST /v3/fund-app/mch-transfer/transfer-bills`, idempotent by `out_bill_no` = the payout
 * id, so a retry never pays twice); it answers WAIT_USER_CONFIRM with a `package_info` the payee confirms in the
 * mini-program (wx.requestMerchantTransfer); the outcome arrives as a signed notification (transferCallback) or by
 * querying the bill; a bill that waits too long is cancelled. cloud.cloudPay does not offer any of this, so:
 * - on CloudBase the production client below signs each call with the merchant's API v3 certificate (env
 *   variables: see wechatPayConfig);
 * - under local-cloud the transfer simulator (local-cloud/transfer-sim.ts) is installed as `cloud.merchantTransfer`
 *   and wins over the client;
 * - with neither, every creation fails ("not configured") and, after its retries, the money goes back to AVAILABLE.
 */
export interface TransferBillRequest {
  appid: string
  out_bill_no: string
  transfer_scene_id: string
  openid: string
  /** RSA-OAEP ciphertext with the platform public key; only from ¥2,000 (USER_NAME_REQUIRED_FROM_FEN). */
  user_name?: string
  transfer_amount: number
  transfer_remark: string
  notify_url: string
  user_recv_perception: string
  transfer_scene_report_infos: { info_type: string; info_content: string }[]
}

/** A bill as WeChat Pay answers (state …), or an error (code, message) when the call itself failed. */
export interface BillReply {
  state?: string
  package_info?: string
  transfer_bill_no?: string
  fail_reason?: string
  transfer_amount?: number
  openid?: string
  code?: string
  message?: string
}

export interface TransferApi {
  createBill(req: TransferBillRequest): Promise<BillReply>
  queryBill(req: { out_bill_no: string }): Promise<BillReply>
  cancelBill(req: { out_bill_no: string }): Promise<BillReply>
}

function errorReply(status: number, body: Record<string, unknown>): BillReply {
  return { code: String(body.code ?? `HTTP_${status}`), message: String(body.message ?? '') }
}

/** The production client: each call signed with the merchant's key, each reply verified with WeChat Pay's. */
export function wechatPayTransferApi(c: WechatPayConfig): TransferApi {
  const billPath = (outBillNo: string) => `/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${encodeURIComponent(outBillNo)}`
  return {
    async createBill(req) {
      const r = await v3Request(c, 'POST', '/v3/fund-app/mch-transfer/transfer-bills', req)
      return r.status === 200 ? (r.body as BillReply) : errorReply(r.status, r.body)
    },
    async queryBill({ out_bill_no }) {
      const r = await v3Request(c, 'GET', billPath(out_bill_no))
      return r.status === 200 ? (r.body as BillReply) : errorReply(r.status, r.body)
    },
    async cancelBill({ out_bill_no }) {
      const r = await v3Request(c, 'POST', `${billPath(out_bill_no)}/cancel`, {})
      return r.status === 200 ? (r.body as BillReply) : errorReply(r.status, r.body)
    },
  }
}

/** The installed transfer API: the local simulator, else the production client when configured, else none. */
export function transferApi(): TransferApi | null {
  const installed = (getCloud() as unknown as { merchantTransfer?: TransferApi }).merchantTransfer
  if (installed) return installed
  const c = wechatPayConfig()
  return isMerchantConfigured(c) ? wechatPayTransferApi(c) : null
}

/**
 * The scene we pay under (WXPAY_TRANSFER_SCENE_ID, applied for in 商户平台 → 产品中心 → 商家转账; default 1005
 * 佣金报酬), what the payee sees (WXPAY_TRANSFER_PERCEPTION, default 劳务报酬) and the scene's report lines.
 */
export function sceneFor(party: Party): Pick<TransferBillRequest, 'transfer_scene_id' | 'user_recv_perception' | 'transfer_scene_report_infos' | 'transfer_remark'> {
  const leader = party === 'leader'
  return {
    transfer_scene_id: process.env.WXPAY_TRANSFER_SCENE_ID || '1005',
    user_recv_perception: process.env.WXPAY_TRANSFER_PERCEPTION || '劳务报酬',
    transfer_scene_report_infos: [
      { info_type: '岗位类型', info_content: leader ? '社区团长' : '供货商家' },
      { info_type: '报酬说明', info_content: leader ? '社区团购团长佣金' : '社区团购供货货款' },
    ],
    transfer_remark: leader ? '邻里团团长佣金提现' : '邻里团供货货款结算',
  }
}

/** The bill for one payout. user_name goes only with amounts from ¥2,000, already encrypted at the request. */
export function billFor(p: { _id: string; party: Party; partyId: string; amountFen: number; userNameCipher?: string | null }): TransferBillRequest {
  const c = wechatPayConfig()
  return {
    appid: c.appId,
    out_bill_no: p._id,
    openid: p.partyId,
    transfer_amount: p.amountFen,
    notify_url: c.notifyUrl,
    ...sceneFor(p.party),
    ...(p.userNameCipher && needsUserName(p.amountFen) ? { user_name: p.userNameCipher } : {}),
  }
}
