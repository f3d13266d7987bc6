import { adminContract } from '@shared/contracts/admin'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { migrateLedgerOrders as migrate } from '@server/ledger/migrate-ledger-orders'

/** One step of the one-off move of ledger positions onto their orders (server/ledger/migrate-ledger-orders.ts). */
export const migrateLedgerOrders = action({
  access: ['admin'],
  input: adminContract.migrateLedgerOrders,
  async run({ db }, { cursor }) {
    return ok(await migrate(db, cursor ?? null))
  },
})
