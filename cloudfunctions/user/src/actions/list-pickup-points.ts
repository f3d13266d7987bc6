import { userContract } from '@shared/contracts/user'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { toPickupPlaceView } from '@server/pickup/place'
import type { PickupPointDoc } from '@server/pickup/model'
import { docsOf } from '@server/paging'


export const listPickupPoints = action({
  access: ['resident'],
  input: userContract.listPickupPoints,
  async run({ db }) {
    const res = await docsOf<PickupPointDoc>(db.collection('pickupPoints').orderBy('name', 'asc').limit(200))
    return ok({ items: res.map(toPickupPlaceView) })
  },
})
