import { getCloud } from '@server/cloud'

/**
 * Paying a payout out. In production this is WeChat Pay's 商家转账 (merchant transfer to the payee's WeChat
 * balance, API v3 `POST /v3/fund-app/mch-transfer/transfer-bills`, idempotent by `out_bill_no`, queried with
 * `GET …/transfer-bills/out-bill-no/{out_bill_no}`); cloud.cloudPay does not offer it, so a deployment installs an
 * adapter with this shape as `cloud.merchantTransfer` (signing with the merchant's API v3 key). Under local-cloud the
 * transfer simulator (local-cloud/transfer-sim.ts) is installed there. Without either, every transfer fails
 * ("not configured") and, after its retries, the payout goes back to AVAILABLE: money is never lost.
 */
export interface TransferApi {
  transfer(req: { out_bill_no: string; openid: string; transfer_amount: number; transfer_remark: string }): Promise<{ state?: string; code?: string; message?: string }>
  queryTransfer(req: { out_bill_no: string }): Promise<{ state?: string; code?: string; message?: string }>
}

function api(): TransferApi | null {
  return (getCloud() as unknown as { merchantTransfer?: TransferApi }).merchantTransfer ?? null
}

export type TransferOutcome = { ok: true } | { ok: false; final: boolean; reason: string }

/** Submit (or re-submit: the same out_bill_no never pays twice) and confirm one transfer. */
export async function transfer(payoutId: string, openid: string, amountFen: number): Promise<TransferOutcome> {
  const a = api()
  if (!a) return { ok: false, final: false, reason: 'transfer API not configured (cloud.merchantTransfer)' }
  const res = await a.transfer({ out_bill_no: payoutId, openid, transfer_amount: amountFen, transfer_remark: '邻里团收益提现' })
  if (res.state === 'FAIL' || res.state === 'CANCELLED') return { ok: false, final: true, reason: res.message ?? res.state }
  if (res.code) return { ok: false, final: false, reason: `${res.code} ${res.message ?? ''}`.trim() }
  return (await transferSucceeded(payoutId)) ? { ok: true } : { ok: false, final: false, reason: 'transfer not confirmed yet' }
}

/** Whether WeChat Pay itself reports the transfer as paid (checked again before giving a payout up). */
export async function transferSucceeded(payoutId: string): Promise<boolean> {
  const a = api()
  if (!a) return false
  const res = await a.queryTransfer({ out_bill_no: payoutId })
  return res.state === 'SUCCESS'
}
