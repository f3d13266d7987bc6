import { defineFunction } from '@server/define'
import { today } from './actions/today'
import { verify } from './actions/verify'

export const main = defineFunction({ verify, today })
