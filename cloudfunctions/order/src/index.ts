import { defineFunction } from '@server/define'
import { cancel } from './actions/cancel'
import { get } from './actions/get'
import { listMine } from './actions/list-mine'

export const main = defineFunction({ listMine, get, cancel })
