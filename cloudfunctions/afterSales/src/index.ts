import { defineFunction } from '@server/define'
import { decide } from './actions/decide'
import { listForMe } from './actions/list-for-me'
import { listMine } from './actions/list-mine'
import { request } from './actions/request'

export const main = defineFunction({ request, decide, listMine, listForMe })
