import { supplyContract } from '@shared/contracts/supply'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { tempUrls } from '@server/storage/files'
import { ALL_POINTS, toOfferView, type OfferDoc } from '@server/supply/docs'

/** 货源: offers open now to the caller's pickup point, ending soonest first. */
export const listOpen = action({
  access: ['leader'],
  input: supplyContract.listOpen,
  async run({ caller, db, now }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const user = await caller.user()
    const pointId = user.boundPickupPointId
    if (!pointId) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'a leader sees supply once bound to a pickup point')
    const _ = db.command
    const page = await keysetPage<OfferDoc>(db, 'offers', { pickupPointKeys: _.in([ALL_POINTS, pointId]), endAt: _.gt(now) }, { field: 'endAt', dir: 'asc' }, pos, 20)
    // Not started yet is filtered here rather than in the query, so the page walks one index range (endAt).
    const open = page.docs.filter((d) => d.startAt <= now)
    const urls = await tempUrls(open.flatMap((d) => d.product.images))
    return ok({ items: open.map((d) => toOfferView(d, now, urls)), nextCursor: page.nextCursor })
  },
})
