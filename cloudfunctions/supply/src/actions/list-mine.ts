import type { OfferPointProgress } from '@shared/contracts/supply'
import { supplyContract } from '@shared/contracts/supply'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { tempUrls } from '@server/storage/files'
import { toOfferView, type OfferDoc } from '@server/supply/model'
import { docsOf } from '@server/paging'

/** Group buys read per page of offers; an offer's group buys are one per leader and round, a bounded number. */
const MAX_GROUP_BUYS = 1000

/** My offers, newest first, with what each pickup point took (allocated) and sold (paid units). */
export const listMine = action({
  access: ['merchant'],
  input: supplyContract.listMine,
  async run({ caller, db, now }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const _ = db.command
    const page = await keysetPage<OfferDoc>(db, 'offers', { merchantId: caller.openid }, { field: 'createdAt', dir: 'desc' }, pos, 10)
    const ids = page.docs.map((d) => d._id)
    const gbs = ids.length
      ? (await docsOf<GroupBuyDoc>(db.collection('groupBuys').where({ offerId: _.in(ids) }).limit(MAX_GROUP_BUYS)))
      : []
    const pointIds = [...new Set(gbs.map((g) => g.pickupPointId))]
    const points = pointIds.length
      ? (await docsOf<{ _id: string; name: string }>(db.collection('pickupPoints').where({ _id: _.in(pointIds) }).limit(pointIds.length)))
      : []
    const pointName = new Map(points.map((p) => [p._id, p.name]))
    const urls = await tempUrls(page.docs.flatMap((d) => d.product.images))
    const items = page.docs.map((offer) => {
      const byPoint = new Map<string, OfferPointProgress>()
      for (const g of gbs.filter((x) => x.offerId === offer._id)) {
        const p = byPoint.get(g.pickupPointId) ?? { pickupPointId: g.pickupPointId, name: pointName.get(g.pickupPointId) ?? '', allocated: 0, sold: 0, groupBuys: 0 }
        p.allocated += g.stock - ((g as { offerReturnedQuantity?: number }).offerReturnedQuantity ?? 0)
        p.sold += g.status === 'FAILED' ? 0 : g.soldQuantity
        p.groupBuys += 1
        byPoint.set(g.pickupPointId, p)
      }
      const pts = [...byPoint.values()].sort((a, b) => b.allocated - a.allocated)
      return { ...toOfferView(offer, now, urls), allocated: pts.reduce((s, p) => s + p.allocated, 0), sold: pts.reduce((s, p) => s + p.sold, 0), points: pts }
    })
    return ok({ items, nextCursor: page.nextCursor })
  },
})
