import { orderContract } from '@shared/contracts/order'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { toOrderView, type OrderDoc } from '@server/orders/model'

export const listMine = action({
  access: ['resident'],
  input: orderContract.listMine,
  async run({ caller, db }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const page = await keysetPage<OrderDoc>(db, 'orders', { openid: caller.openid }, { field: 'createdAt', dir: 'desc' }, pos, 20)
    return ok({ items: page.docs.map(toOrderView), nextCursor: page.nextCursor })
  },
})
