import { userContract } from '@shared/contracts/user'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { findById } from '@server/fetch'
import type { NoticeDoc } from '@server/messages/model'

const PAGE = 20

/** My notices, newest first, with how many arrived since I last opened the list (the 我的 badge). */
export const notices = action({
  access: ['resident'],
  input: userContract.notices,
  async run({ caller, db }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const _ = db.command
    const [page, user] = await Promise.all([
      keysetPage<NoticeDoc>(db, 'notices', { openid: caller.openid }, { field: 'createdAt', dir: 'desc' }, pos, PAGE),
      findById<{ noticesReadAt?: number }>(db, 'users', caller.openid),
    ])
    const readAt = user?.noticesReadAt ?? 0
    // New = written since I last opened the list (a notice settle writes a tick after its event is dated at the
    // event, so its date may be older than that); notices from before writtenAt was kept count by their date.
    const since = _.or([{ openid: caller.openid, writtenAt: _.gt(readAt) }, { openid: caller.openid, writtenAt: _.exists(false), createdAt: _.gt(readAt) }])
    const unread = ((await db.collection('notices').where(since).count()) as unknown as { total: number }).total
    return ok({
      items: page.docs.map((n) => ({ noticeId: n._id, kind: n.kind, title: n.title, body: n.body, page: n.page, createdAt: n.createdAt, read: (n.writtenAt ?? n.createdAt) <= readAt })),
      nextCursor: page.nextCursor,
      unread,
    })
  },
})
