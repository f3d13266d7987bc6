import { defineFunction } from '@server/define'
import { cancel } from './actions/cancel'
import { publish } from './actions/publish'
import { redeem } from './actions/redeem'
import { reschedule } from './actions/reschedule'
import { services } from './actions/services'
import { slots } from './actions/slots'
import { today } from './actions/today'

export const main = defineFunction({ publish, slots, services, redeem, cancel, reschedule, today })
