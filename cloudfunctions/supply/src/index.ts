import { defineFunction } from '@server/define'
import { listMine } from './actions/list-mine'
import { listOpen } from './actions/list-open'
import { markShipped } from './actions/mark-shipped'
import { pricing } from './actions/pricing'
import { publish } from './actions/publish'
import { purchaseOrders } from './actions/purchase-orders'

export const main = defineFunction({ publish, listOpen, listMine, purchaseOrders, markShipped, pricing })
