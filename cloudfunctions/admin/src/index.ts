import { defineFunction } from '@server/define'
import { createPickupPoint } from './actions/create-pickup-point'
import { grantRole } from './actions/grant-role'

export const main = defineFunction({ createPickupPoint, grantRole })
