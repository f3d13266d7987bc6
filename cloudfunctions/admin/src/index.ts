import { defineFunction } from '@server/define'
import { createPickupPoint } from './actions/create-pickup-point'
import { grantRole } from './actions/grant-role'
import { listRoles } from './actions/list-roles'

export const main = defineFunction({ createPickupPoint, grantRole, listRoles })
