import { supplyContract, type SupplyOutputs } from '@shared/contracts/supply'
import { maxTierBonusBp } from '@shared/domain/ledger'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { commissionTiers } from '@server/ledger/model'
import { eachPage } from '@server/paging'

/**
 * The publish form's price hint: the very inputs `listOpen` and `createFromOffer` give the price rule (the top
 * tier bonus, each point's per-order fee), so the merchant sees before submit the lowest price leaders can sell at.
 */
export const pricing = action({
  access: ['merchant'],
  input: supplyContract.pricing,
  async run({ db }) {
    const handlingFees: SupplyOutputs['pricing']['handlingFees'] = []
    await eachPage<{ _id: string; handlingFeeFen?: number }>(db, 'pickupPoints', { handlingFeeFen: db.command.gt(0) }, async (docs) => {
      for (const d of docs) handlingFees.push({ pickupPointId: d._id, handlingFeeFen: d.handlingFeeFen ?? 0 })
    })
    return ok({ maxTierBonusBp: maxTierBonusBp(commissionTiers()), handlingFees })
  },
})
