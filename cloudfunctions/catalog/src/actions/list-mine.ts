import { catalogContract } from '@shared/contracts/catalog'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { PRODUCTS, toProductViews } from '@server/catalog/products'
import type { ProductDoc } from '@server/catalog/model'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'

const PAGE = 20

/** The caller's own products, newest first (index merchant_created). */
export const listMine = action({
  access: ['merchant'],
  input: catalogContract.listMine,
  async run({ caller, db, now }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const page = await keysetPage<ProductDoc>(db, PRODUCTS, { merchantId: caller.openid }, { field: 'createdAt', dir: 'desc' }, pos, PAGE)
    return ok({ items: await toProductViews(page.docs, now), nextCursor: page.nextCursor })
  },
})
