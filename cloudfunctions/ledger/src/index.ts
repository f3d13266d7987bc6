import { defineFunction } from '@server/define'
import { balance } from './actions/balance'
import { entries } from './actions/entries'
import { lines } from './actions/lines'
import { orderEntries } from './actions/order-entries'
import { payouts } from './actions/payouts'
import { refreshPayout } from './actions/refresh-payout'
import { requestPayout } from './actions/request-payout'
import { statement } from './actions/statement'

export const main = defineFunction({ balance, entries, lines, statement, orderEntries, requestPayout, payouts, refreshPayout })
