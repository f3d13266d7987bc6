import { adminContract, type RoleHolderView } from '@shared/contracts/admin'
import { GRANTABLE_ROLES } from '@shared/contracts/common'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { docsOf } from '@server/paging'
import type { UserDoc } from '@server/users/model'

const PAGE = 50

/** The part of a users document the list reads. */
type RoleHolderDoc = Pick<UserDoc, '_id' | 'roles' | 'boundPickupPointId' | 'createdAt'>

/** Who holds what: the admin screen's people list. Residents with no granted role are not listed. */
export const listRoles = action({
  access: ['admin'],
  input: adminContract.listRoles,
  async run({ db }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'bad cursor')
    const _ = db.command
    // An array field matches $in when any element is in the set: holders of at least one granted role.
    const page = await keysetPage<RoleHolderDoc>(db, 'users', { roles: _.in([...GRANTABLE_ROLES]) }, { field: 'createdAt', dir: 'desc' }, pos, PAGE)
    const pointIds = [...new Set(page.docs.map((d) => d.boundPickupPointId).filter((p): p is string => Boolean(p)))]
    const names = new Map<string, string>()
    if (pointIds.length > 0) {
      const res = await docsOf<{ _id: string; name: string }>(db.collection('pickupPoints').where({ _id: _.in(pointIds) }).limit(PAGE))
      for (const p of res) names.set(p._id, p.name)
    }
    const items: RoleHolderView[] = page.docs.map((d) => ({
      openid: d._id,
      roles: d.roles,
      boundPickupPointId: d.boundPickupPointId ?? null,
      boundPickupPointName: d.boundPickupPointId ? (names.get(d.boundPickupPointId) ?? null) : null,
    }))
    return ok({ items, nextCursor: page.nextCursor })
  },
})
