import { supplyContract } from '@shared/contracts/supply'
import { lowestSellablePriceFen } from '@shared/domain/supply'
import { maxTierBonusBp } from '@shared/domain/ledger'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { commissionTiers } from '@server/ledger/model'
import { tempUrls } from '@server/storage/files'
import { findById } from '@server/fetch'
import { ALL_POINTS, toOfferView, type OfferDoc } from '@server/supply/model'

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
    // Offers no price of which can open here (the store's fee and the top tier leave the platform short) are not shown.
    const point = await findById<{ handlingFeeFen?: number }>(db, 'pickupPoints', pointId)
    const topBonusBp = maxTierBonusBp(commissionTiers())
    const open = page.docs
      .filter((d) => d.startAt <= now)
      .map((d) => ({ d, lowest: lowestSellablePriceFen(d, topBonusBp, point?.handlingFeeFen ?? 0) }))
      .filter((x): x is { d: OfferDoc; lowest: number } => x.lowest !== null)
    const urls = await tempUrls(open.flatMap((x) => x.d.product.images))
    return ok({ items: open.map((x) => ({ ...toOfferView(x.d, now, urls), lowestPriceFen: x.lowest })), nextCursor: page.nextCursor })
  },
})
