import { userContract } from '@shared/contracts/user'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { toPickupPlaceView, type PickupPointDoc } from '@server/pickup/place'


export const listPickupPoints = action({
  access: ['resident'],
  input: userContract.listPickupPoints,
  async run({ db }) {
    const res = (await db.collection('pickupPoints').orderBy('name', 'asc').limit(200).get()) as unknown as { data: PickupPointDoc[] }
    return ok({ items: res.data.map(toPickupPlaceView) })
  },
})
