import { adminContract } from '@shared/contracts/admin'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { lastReconciliation as lastReport, reconcile as run } from '@server/ledger/reconcile'
import { shippingBacklog as backlog } from '@server/payments/shipping'

/** 对账: every order's entries against WeChat Pay and the split, every kept balance against its entries. */
export const reconcile = action({
  access: ['admin'],
  input: adminContract.reconcile,
  async run({ db, now }) {
    return ok(await run(db, now))
  },
})

/** The latest reconciliation (settle runs one a day), for the admin's 对账 screen. */
export const lastReconciliation = action({
  access: ['admin'],
  input: adminContract.lastReconciliation,
  async run({ db }) {
    return ok({ report: await lastReport(db) })
  },
})

/** 对账: orders handed over whose shipping info WeChat has not accepted yet (settle keeps retrying them). */
export const shippingBacklog = action({
  access: ['admin'],
  input: adminContract.shippingBacklog,
  async run({ db }) {
    return ok(await backlog(db))
  },
})
