import { afterSalesContract } from '@shared/contracts/after-sales'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { AFTER_SALES, refundsOf, toCaseView } from '@server/after-sales/cases'
import type { AfterSalesCaseDoc } from '@server/after-sales/model'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { tempUrls } from '@server/storage/files'

const PAGE = 20

/** My after-sales cases, newest first (optionally one order's), with each approved case's refund status. */
export const listMine = action({
  access: ['resident'],
  input: afterSalesContract.listMine,
  async run({ caller, db }, { orderId, cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const base: Record<string, unknown> = { openid: caller.openid }
    if (orderId) base.orderId = orderId
    const page = await keysetPage<AfterSalesCaseDoc>(db, AFTER_SALES, base, { field: 'createdAt', dir: 'desc' }, pos, PAGE)
    const [urls, refunds] = await Promise.all([tempUrls(page.docs.flatMap((d) => d.images ?? [])), refundsOf(db, page.docs)])
    return ok({ items: page.docs.map((d) => toCaseView(d, urls, refunds.get(d.refundId) ?? null)), nextCursor: page.nextCursor })
  },
})
