import { defineFunction } from '@server/define'
import { history } from './actions/history'
import { me } from './actions/me'

export const main = defineFunction({ me, history })
