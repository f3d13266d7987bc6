import { groupBuyContract, type PickListItem } from '@shared/contracts/group-buy'
import { contactLine } from '@shared/domain/contact'
import { maskName } from '@shared/domain/group-buy'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { canSeeGroupBuyOrders } from '@server/group-buys/access'
import { inSeqOrder, readOrdersInJoinOrder, seqOf } from '@server/group-buys/join-order'
import { canSeeContactsAt, contactsFor } from '@server/privacy/contact'
import { csvDocument } from '@server/csv'
import { saveExport } from '@server/storage/exports'

/** Orders whose goods are (or will be) handed over. */
const TO_HAND_OVER: readonly string[] = ['PAID', 'READY_FOR_PICKUP', 'PICKED_UP']

const STATUS_TEXT: Record<string, string> = { PAID: '待到货', READY_FOR_PICKUP: '待提货', PICKED_UP: '已提货' }

/**
 * 拣货单: what to hand to whom, in 跟团号 order (numbered as the leader's 接龙 list numbers every order), names
 * masked. With format 'csv' the same list is also written to cloud storage (UTF-8 with BOM, so Excel shows
 * the Chinese) and handed back as a temp URL.
 */
export const pickList = action({
  access: ['leader', 'clerk', 'merchant', 'admin'],
  input: groupBuyContract.pickList,
  async run({ caller, db, now }, { groupBuyId, format = 'json' }) {
    const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
    if (!gb) return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such group buy')
    const user = await caller.user()
    if (!canSeeGroupBuyOrders(user, gb)) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'not your group buy')
    // In 跟团号 order, each numbered as the order is (group-buys/join-order.ts): the order a short arrival serves in.
    const orders = inSeqOrder(await readOrdersInJoinOrder(db, groupBuyId))
    const handed = orders.map((o) => ({ o, seq: seqOf(o) })).filter(({ o }) => TO_HAND_OVER.includes(o.status))
    // 收货人 only for the leader and clerks of this pickup point (never the merchant or the admin).
    const contacts = await contactsFor(db, user, gb.pickupPointId, handed.map(({ o }) => o.openid))
    const items: PickListItem[] = handed.map(({ o, seq }: { o: OrderDoc; seq: number | null }) => ({
      seq, maskedName: maskName(o.nickname), quantity: o.quantity, servedQuantity: o.servedQuantity ?? o.quantity, status: o.status, contact: contacts.get(o.openid) ?? null,
    }))
    if (format === 'json') return ok({ items })
    // The 收货人 column only for those who may see it (the point's leader and clerks); the merchant's CSV has none.
    const withContact = canSeeContactsAt(user, gb.pickupPointId)
    const csv = csvDocument([
      ['跟团号', '昵称', ...(withContact ? ['收货人'] : []), '数量', '实发', '状态'],
      ...items.map((it) => [it.seq ?? '', it.maskedName, ...(withContact ? [contactLine(it.contact)] : []), it.quantity, it.servedQuantity, STATUS_TEXT[it.status] ?? it.status]),
    ])
    return ok({ items, ...(await saveExport(db, 'picklists', `${groupBuyId}-${now}.csv`, Buffer.from(csv, 'utf8'), now)) })
  },
})
