import { userContract } from '@shared/contracts/user'
import { ok } from '@shared/errors'
import { action } from '@server/define'

interface PickupPointDoc { _id: string; name: string; address: string; storeName: string }

export const listPickupPoints = action({
  access: ['resident'],
  input: userContract.listPickupPoints,
  async run({ db }) {
    const res = (await db.collection('pickupPoints').orderBy('name', 'asc').limit(200).get()) as unknown as { data: PickupPointDoc[] }
    return ok({ items: res.data.map((p) => ({ pickupPointId: p._id, name: p.name, address: p.address, storeName: p.storeName })) })
  },
})
