import type { MyContactView } from '@shared/contracts/user'
import { phoneTailOf, type StaffContactView } from '@shared/domain/contact'
import type { UserDoc } from '@server/users/model'
import { findById } from '@server/fetch'
import { openPhone, sealPhone } from '@server/privacy/phone'
import { docsOf } from '@server/paging'

/** 收货人 as stored on the user's profile (users/<openid>.contact). The number only sealed. */
export interface StoredContact {
  name: string
  note: string | null
  phoneEnc: string | null
  phoneMasked: string | null
  /** 配送到家 (#25): 楼栋 and 门牌, absent until given (user.setContact, or a delivery join). */
  building?: string | null
  room?: string | null
  updatedAt: number
}

/** Profile fields the contact adds: `phoneTail` sits at the top so the counter's 尾号 search is one indexed query. */
export interface ContactFields {
  contact?: StoredContact | null
  phoneTail?: string | null
}

export function sealContact(input: { name: string; phone?: string; note?: string; building?: string; room?: string }, now: number): ContactFields {
  const sealed = input.phone ? sealPhone(input.phone) : null
  return {
    contact: { name: input.name, note: input.note ? input.note : null, phoneEnc: sealed?.phoneEnc ?? null, phoneMasked: sealed?.phoneMasked ?? null, ...(input.building && input.room ? { building: input.building, room: input.room } : {}), updatedAt: now },
    phoneTail: input.phone ? phoneTailOf(input.phone) : null,
  }
}

export function myContactView(c: StoredContact | null | undefined): MyContactView | null {
  return c ? { name: c.name, phoneMasked: c.phoneMasked, note: c.note, ...(c.building && c.room ? { building: c.building, room: c.room } : {}) } : null
}

/** The person's own copy for exportMyData: the number opened (they gave it; it is theirs to see). */
export function exportedContact(c: StoredContact | null | undefined): { name: string; phone: string | null; note: string | null; building?: string; room?: string } | null {
  if (!c) return null
  return { name: c.name, phone: c.phoneEnc ? openPhone(c.phoneEnc) : null, note: c.note, ...(c.building && c.room ? { building: c.building, room: c.room } : {}) }
}

/**
 * Who sees residents' 收货人 beside the 跟团号: the leader and clerks working at that pickup point, nobody
 * else — not the merchant, not another point's staff, not the admin's or any public view (快团团's rule: the
 * people who hand the goods over).
 */
export function canSeeContactsAt(user: Pick<UserDoc, 'roles' | 'boundPickupPointId'>, pickupPointId: string): boolean {
  return (user.roles.includes('leader') || user.roles.includes('clerk')) && !!user.boundPickupPointId && user.boundPickupPointId === pickupPointId
}

const MAX_IDS = 1000

/** The staff view of each openid's contact, for one page of orders: one read per 1000 people. */
export async function staffContactsOf(db: DB.Database, openids: readonly string[]): Promise<Map<string, StaffContactView>> {
  const ids = [...new Set(openids)]
  const out = new Map<string, StaffContactView>()
  for (let i = 0; i < ids.length; i += MAX_IDS) {
    const chunk = ids.slice(i, i + MAX_IDS)
    const res = await docsOf<{ _id: string } & ContactFields>(db
      .collection('users')
      .where({ _id: chunk.length === 1 ? chunk[0] : db.command.in(chunk) })
      .field({ _id: true, contact: true, phoneTail: true })
      .limit(chunk.length))
    for (const u of res) {
      const view = staffContactOf(u)
      if (view) out.set(u._id, view)
    }
  }
  return out
}

/**
 * The staff view of one users document's contact — the one home of what the counter is shown (staffContactsOf, and
 * pickup.verify, which reads the resident beside the clerk). Who may see it is the caller's to check.
 */
export function staffContactOf(u: ContactFields): StaffContactView | null {
  return u.contact ? { name: u.contact.name, phoneTail: u.phoneTail ?? null, note: u.contact.note } : null
}

/** Contacts for a page of orders, or an empty map when this caller may not see them. */
export async function contactsFor(db: DB.Database, viewer: Pick<UserDoc, 'roles' | 'boundPickupPointId'>, pickupPointId: string, openids: readonly string[]): Promise<Map<string, StaffContactView>> {
  if (!canSeeContactsAt(viewer, pickupPointId) || openids.length === 0) return new Map()
  return staffContactsOf(db, openids)
}

export async function storedContactOf(db: DB.Database, openid: string): Promise<StoredContact | null> {
  return (await findById<ContactFields & { _id: string }>(db, 'users', openid))?.contact ?? null
}
