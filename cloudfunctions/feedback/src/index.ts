import { defineFunction } from '@server/define'
import { edit } from './actions/edit'
import { forProduct } from './actions/for-product'
import { lastRound } from './actions/last-round'
import { listForGroupBuy } from './actions/list-for-group-buy'
import { mine } from './actions/mine'
import { myProducts } from './actions/my-products'
import { rate } from './actions/rate'

export const main = defineFunction({ rate, edit, mine, listForGroupBuy, myProducts, forProduct, lastRound })
