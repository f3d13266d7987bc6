import { defineFunction } from '@server/define'
import { delegate, revokeDelegate } from './actions/delegate'
import { deliveryList } from './actions/delivery-list'
import { handOver } from './actions/hand-over'
import { myCode } from './actions/my-code'
import { remind } from './actions/remind'
import { today } from './actions/today'
import { verify } from './actions/verify'

export const main = defineFunction({ verify, today, remind, handOver, delegate, revokeDelegate, myCode, deliveryList })
