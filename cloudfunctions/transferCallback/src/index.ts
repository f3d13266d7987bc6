import { z } from 'zod'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action, defineFunction } from '@server/define'
import { applyBillByNo } from '@server/ledger/payouts'
import { openTransferNotice, wechatPayConfig } from '@server/ledger/wechatpay'

/** CloudBase's HTTP-access event: WeChat Pay's POST to notify_url. */
const httpEvent = z.object({
  httpMethod: z.string(),
  headers: z.record(z.string()).default({}),
  body: z.string().default(''),
  isBase64Encoded: z.boolean().optional(),
}).passthrough()

const SIGNATURE_REFUSED = 'SIGNATURE_REFUSED'

const finished = action({
  access: 'payment-callback',
  input: httpEvent,
  async run({ db, now }, raw) {
    const parsed = httpEvent.safeParse(raw)
    if (!parsed.success || parsed.data.httpMethod !== 'POST') return fail(ERROR_CODES.INPUT_INVALID, 'not a WeChat Pay notification')
    const e = parsed.data
    const body = e.isBase64Encoded ? Buffer.from(e.body, 'base64').toString('utf8') : e.body
    const headers = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k.toLowerCase(), v]))
    // Anyone can post here: nothing is read from the notice before its signature verifies.
    const opened = openTransferNotice(headers, body, wechatPayConfig(), now)
    if (!opened.ok) return fail(ERROR_CODES.AUTH_FORBIDDEN, `${SIGNATURE_REFUSED}: ${opened.reason}`)
    const r = opened.resource
    if (r.mch_id && r.mch_id !== wechatPayConfig().mchId) return ok({ outcome: 'OTHER_MERCHANT' })
    const outcome = await applyBillByNo(db, r, now)
    return ok({ outcome: outcome ?? 'UNKNOWN_PAYOUT' })
  },
})

const handle = defineFunction({ finished }, { httpAction: 'finished' })

/**
 * WeChat Pay's 商家转账 notification (MCHTRANSFER.BILL.FINISHED), reached over CloudBase HTTP access at the address
 * WXPAY_TRANSFER_NOTIFY_URL names. WeChat Pay retries until it gets 200/204, so: verified and applied (or a replay,
 * or about a payout we do not know) → 204; a signature that does not verify → 401 and nothing changes; our own
 * failure → 500, retried. Applying is idempotent: a payout closes once whatever arrives how often.
 */
export async function main(event: unknown): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const res = await handle(event)
  const reply = (statusCode: number, code?: string, message?: string) => ({
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: code ? JSON.stringify({ code, message }) : '',
  })
  if (res.ok) return reply(204)
  if (res.error.code === ERROR_CODES.INTERNAL) return reply(500, 'FAIL', res.error.message)
  return reply(res.error.code === ERROR_CODES.AUTH_FORBIDDEN ? 401 : 400, 'FAIL', res.error.message)
}
