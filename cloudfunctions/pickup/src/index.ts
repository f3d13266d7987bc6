import { defineFunction } from '@server/define'
import { remind } from './actions/remind'
import { today } from './actions/today'
import { verify } from './actions/verify'

export const main = defineFunction({ verify, today, remind })
