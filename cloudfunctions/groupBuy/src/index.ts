import { defineFunction } from '@server/define'
import { close } from './actions/close'
import { create } from './actions/create'
import { createFromOffer } from './actions/create-from-offer'
import { get } from './actions/get'
import { join } from './actions/join'
import { list } from './actions/list'
import { listMine } from './actions/list-mine'
import { markArrived } from './actions/mark-arrived'
import { participants } from './actions/participants'
import { pickList } from './actions/pick-list'
import { shareCode } from './actions/share-code'

export const main = defineFunction({ create, list, get, join, listMine, participants, markArrived, createFromOffer, pickList, shareCode, close })
