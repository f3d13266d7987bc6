import { AFTER_SALES_WINDOW_MS } from '@shared/domain/after-sales'
import { msSetting } from '@server/settings'

/**
 * How long after pickup a resident may open an after-sales case, and so how long an order's money stays frozen
 * (the ledger releases it only after this window closed with no case open). `AFTER_SALES_WINDOW_MS`, default 48 h;
 * the local cloud, tests and demos may set seconds to see a release happen.
 */
export function afterSalesWindowMs(): number {
  return msSetting(process.env.AFTER_SALES_WINDOW_MS, AFTER_SALES_WINDOW_MS)
}
