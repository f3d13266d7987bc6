import { afterSalesContract } from '@shared/contracts/after-sales'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { AFTER_SALES, refundsOf, toInboxItem } from '@server/after-sales/cases'
import type { AfterSalesCaseDoc } from '@server/after-sales/model'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { tempUrls } from '@server/storage/files'

const PAGE = 20

/**
 * The 售后 inbox, newest first: an admin sees every case, a leader their pickup point's, a merchant those on
 * group buys of their offers. `status` narrows it (e.g. PENDING: what is waiting for a decision).
 */
export const listForMe = action({
  access: ['leader', 'merchant', 'admin'],
  input: afterSalesContract.listForMe,
  async run({ caller, db }, { status, cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const user = await caller.user()
    const base: Record<string, unknown> = {}
    if (user.roles.includes('admin')) {
      // everything
    } else if (user.roles.includes('leader') && user.boundPickupPointId) base.pickupPointId = user.boundPickupPointId
    else if (user.roles.includes('merchant')) base.merchantId = caller.openid
    else return fail(ERROR_CODES.AUTH_FORBIDDEN, 'a leader must be bound to a pickup point')
    if (status) base.status = status
    const page = await keysetPage<AfterSalesCaseDoc>(db, AFTER_SALES, base, { field: 'createdAt', dir: 'desc' }, pos, PAGE)
    const [urls, refunds] = await Promise.all([tempUrls(page.docs.flatMap((d) => d.images ?? [])), refundsOf(db, page.docs)])
    return ok({ items: page.docs.map((d) => toInboxItem(d, urls, refunds.get(d.refundId) ?? null)), nextCursor: page.nextCursor })
  },
})
