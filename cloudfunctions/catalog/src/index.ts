import { defineFunction } from '@server/define'
import { createProduct } from './actions/create-product'
import { get } from './actions/get'
import { listMine } from './actions/list-mine'
import { updateProduct } from './actions/update-product'

export const main = defineFunction({ createProduct, updateProduct, listMine, get })
