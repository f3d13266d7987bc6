import { defineFunction } from '@server/define'
import { createPickupPoint } from './actions/create-pickup-point'
import { grantRole } from './actions/grant-role'
import { listRoles } from './actions/list-roles'
import { migrateOldPhotos } from './actions/migrate-old-photos'
import { migrateLedgerOrders } from './actions/migrate-ledger-orders'
import { getPointsRule, setPointsRule } from './actions/points-rule'
import { lastReconciliation, reconcile, shippingBacklog } from './actions/reconcile'
import { setDelivery } from './actions/set-delivery'
import { setHandlingFee } from './actions/set-handling-fee'
import { updatePickupPoint } from './actions/update-pickup-point'

export const main = defineFunction({ createPickupPoint, grantRole, listRoles, setHandlingFee, setDelivery, setPointsRule, getPointsRule, reconcile, lastReconciliation, shippingBacklog, updatePickupPoint, migrateOldPhotos, migrateLedgerOrders })
