import type { MyData } from '@shared/contracts/user'
import { ERASED_NAME } from '@shared/domain/group-buy'
import { findById } from '@server/fetch'
import { forgetDoor, newTombstone } from '@server/privacy/tombstone'
import { exportedContact, type StoredContact } from '@server/privacy/contact'
import { ifCollectionExists, readAllWhere } from '@server/insight/query'
import { deleteFiles } from '@server/storage/files'
import { filesOf, UPLOADS } from '@server/storage/uploads'
import type { CouponDoc } from '@server/coupons/model'
import { releaseUnpaidCoupon } from '@server/coupons/coupon-flow'
import { releaseUnpaid } from '@server/group-buys/order-flow'
import type { OrderDoc } from '@server/orders/model'
import { refundUnusedCoupon } from '@server/payments/refunds'
import { writeDueHandoverRecords } from '@server/pickup/handover-records'

type Doc = Record<string, unknown> & { _id: string }

/**
 * Every place a resident's openid is stored, and what erasing them does there (个人信息保护法). `optional`
 * collections belong to other issues (#12) and may not exist yet. Staff openids on staff documents (group buy
 * creators, merchants' offers) are not here: staff accounts are not erased by deleteMe. The verifications audit
 * is here: anyone may type a code at the counter (refused attempts are audited too), and its rows must stay.
 * The privacy test walks every collection in database/schema.json for the openid after deleteMe.
 *
 * - remove: the document is about the person only (profile, consents, their notices and messages).
 * - relink: the document is needed for accounting or stock (orders, refunds, tallies): kept, its openid replaced
 *   by a random tombstone, so the books and counters stay exactly as they were.
 */
export const PERSONAL_DATA = {
  orders: { collection: 'orders', field: 'openid', section: 'orders', erase: 'relink', optional: false },
  refunds: { collection: 'refunds', field: 'openid', section: 'refunds', erase: 'relink', optional: false },
  /** The shipping record told to WeChat at handover (#20): kept for the books, its payer re-linked. */
  shippingUploads: { collection: 'shippingUploads', field: 'payerOpenid', section: 'orders', erase: 'relink', optional: true },
  participations: { collection: 'participations', field: 'openid', section: 'participations', erase: 'relink', optional: false },
  coupons: { collection: 'coupons', field: 'openid', section: 'coupons', erase: 'relink', optional: false },
  couponClaims: { collection: 'couponClaims', field: 'openid', section: 'couponClaims', erase: 'relink', optional: false },
  ratings: { collection: 'ratings', field: 'openid', section: 'ratings', erase: 'relink', optional: true },
  members: { collection: 'members', field: 'openid', section: 'points', erase: 'remove', optional: true },
  pointEntries: { collection: 'pointEntries', field: 'openid', section: 'points', erase: 'remove', optional: true },
  afterSalesCases: { collection: 'afterSalesCases', field: 'openid', section: 'afterSales', erase: 'relink', optional: true },
  notices: { collection: 'notices', field: 'openid', section: 'notices', erase: 'remove', optional: false },
  outbox: { collection: 'outbox', field: 'toOpenid', section: 'messages', erase: 'remove', optional: false },
  subscriptions: { collection: 'subscriptions', field: 'openid', section: 'consents', erase: 'remove', optional: false },
  verifications: { collection: 'verifications', field: 'clerkOpenid', section: 'codesTyped', erase: 'relink', optional: false },
  uploads: { collection: UPLOADS, field: 'openid', section: 'files', erase: 'remove', optional: false },
  // 代取 and 一码提货 codes (#22) name their resident; an erased person's codes go with them. An order's own code
  // names its resident too (#23) but is kept with its order, re-linked to the tombstone before this removal (erase).
  pickupCodes: { collection: 'pickupCodes', field: 'openid', section: 'pickupCodes', erase: 'remove', optional: false },
} as const satisfies Record<string, { collection: string; field: string; section: keyof MyData; erase: 'remove' | 'relink'; optional: boolean }>

type PersonalKey = keyof typeof PERSONAL_DATA
/** In this order: kept documents are re-linked before personal ones are removed. */
const KEYS = Object.keys(PERSONAL_DATA) as PersonalKey[]

/** Hand-over records riding on orders are written before an export or an erasure: all of them (settle leaves few). */
const ALL_RIDING = 1_000_000

/** How many documents of one kind a person may have that export reads (far above any real resident). */
const EXPORT_CAP = 20_000

function readPersonal(db: DB.Database, collection: string, where: Record<string, unknown>, optional: boolean): Promise<Doc[]> {
  const readCollection = () => readAllWhere<Doc>(db, collection, where, undefined, EXPORT_CAP)
  return optional ? ifCollectionExists(readCollection, []) : readCollection()
}

/** Everything stored about the caller, as stored; nothing about anyone else (only documents keyed to them). */
export async function collectMyData(db: DB.Database, openid: string, now: number): Promise<MyData> {
  // Hand-overs' audit lines and points entries still riding on orders are written first (settle would within the
  // minute), so the codes a former clerk typed and a resident's points are all in the copy — every one riding on the
  // platform, not a first batch (an audit: test/node/audit-handover-seq.test.ts).
  await writeDueHandoverRecords(db, ALL_RIDING)
  const profile = await findById<Doc>(db, 'users', openid)
  const lists = await Promise.all(KEYS.map((k) => {
    const p = PERSONAL_DATA[k]
    return readPersonal(db, p.collection, { [p.field]: openid }, p.optional)
  }))
  const by = new Map<keyof MyData, Doc[]>()
  KEYS.forEach((k, i) => by.set(PERSONAL_DATA[k].section, [...(by.get(PERSONAL_DATA[k].section) ?? []), ...lists[i]]))
  // Member points may also be keyed by openid (members/<openid>) rather than carry an openid field.
  const member = await ifCollectionExists(() => findById<Doc>(db, 'members', openid), null)
  const points = by.get('points') ?? []
  if (member && !points.some((d) => d._id === member._id)) points.push(member)
  const data: MyData = {
    exportedAt: now,
    openid,
    profile,
    consents: {
      marketing: profile?.marketingConsent === true,
      marketingConsentAt: typeof profile?.marketingConsentAt === 'number' ? profile.marketingConsentAt : null,
      subscribeMessages: by.get('consents') ?? [],
    },
    // An order's ledger position is the platform's books (the leader's and merchant's shares and terms), not the
    // resident's data (#23 keeps it on the order): left out of the export.
    orders: (by.get('orders') ?? []).map(withoutLedger),
    refunds: by.get('refunds') ?? [],
    participations: by.get('participations') ?? [],
    coupons: by.get('coupons') ?? [],
    couponClaims: by.get('couponClaims') ?? [],
    notices: by.get('notices') ?? [],
    messages: by.get('messages') ?? [],
    ratings: by.get('ratings') ?? [],
    afterSales: by.get('afterSales') ?? [],
    points,
    // What the person typed at a counter — not an order's code that rows of list hand-overs written before carried.
    codesTyped: (by.get('codesTyped') ?? []).map((v) => (v.via === 'list' ? { ...v, code: '' } : v)),
    files: by.get('files') ?? [],
    pickupCodes: by.get('pickupCodes') ?? [],
    // 收货人 lives on the profile (sealed phone); the export opens it for its owner. deleteMe removes the profile.
    contact: exportedContact(profile?.contact as StoredContact | null | undefined),
  }
  return withoutOtherPeople(db, data)
}

function withoutLedger(order: Doc): Doc {
  const { ledger, ...rest } = order
  void ledger
  return rest
}

/** Who someone else is to the person exporting, instead of their openid. */
type RoleLabel = '团长' | '商家' | '店员' | '平台'

/**
 * Fields of a person's own documents that name somebody else, and who that is: replaced by the role in an
 * export ('decider': whoever decided the case, by their relation to it or their roles).
 */
const OTHER_PEOPLE: Partial<Record<keyof MyData, Record<string, RoleLabel | 'decider'>>> = {
  afterSales: { creatorOpenid: '团长', merchantId: '商家', decidedBy: 'decider' },
  ratings: { merchantId: '商家' },
  coupons: { redeemedBy: '店员' },
  orders: { referrerLeader: '团长', providerId: '商家', redeemedBy: 'decider' },
}

function roleLabelOf(roles: readonly string[]): RoleLabel {
  if (roles.includes('leader')) return '团长'
  if (roles.includes('merchant')) return '商家'
  if (roles.includes('clerk')) return '店员'
  return '平台'
}

/**
 * An export holds the person's own data only: every other person's openid in it (the leader and merchant on a
 * 售后 case and who decided it, the merchant of a rated product, the clerk who redeemed a coupon, a service's provider
 * and whoever redeemed its voucher) becomes their role; then any other occurrence of those openids anywhere in the
 * export is replaced the same way.
 */
async function withoutOtherPeople(db: DB.Database, data: MyData): Promise<MyData> {
  const labels = new Map<string, RoleLabel>()
  const deciders = new Set<string>()
  for (const [section, fields] of Object.entries(OTHER_PEOPLE) as [keyof MyData, Record<string, RoleLabel | 'decider'>][]) {
    for (const doc of (data[section] as Doc[] | undefined) ?? []) {
      for (const [field, role] of Object.entries(fields)) {
        const who = doc[field]
        if (typeof who !== 'string' || !who || who === data.openid) continue
        if (role !== 'decider') labels.set(who, role)
        else if (who === doc.creatorOpenid) labels.set(who, '团长')
        else if (who === doc.merchantId) labels.set(who, '商家')
        else deciders.add(who)
      }
    }
  }
  for (const who of deciders) {
    if (labels.has(who)) continue
    const user = await findById<{ roles?: string[] }>(db, 'users', who)
    labels.set(who, roleLabelOf(user?.roles ?? []))
  }
  if (labels.size === 0) return data
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return labels.get(v) ?? v
    if (Array.isArray(v)) return v.map(scrub)
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]))
    return v
  }
  const { openid, ...rest } = data
  return { openid, ...(scrub(rest) as Omit<MyData, 'openid'>) }
}

/** Coupons that could still be used are voided when their holder is erased (redeemed ones stay as history). */
const VOIDABLE_COUPONS = ['ISSUED']
/** Free text and photos in ratings and 售后 cases (#12) are the person's own words: removed; stars, tags, quantities and refunds stay. */
const RATING_PERSONAL_FIELDS = ['comment', 'text', 'content', 'photos', 'images', 'nickname']

/**
 * Before a resident's documents are re-linked (an audit: test/node/attacks-coupons.test.ts): a coupon bought and not
 * used yet was voided and its money kept — it is refunded now (refundUnusedCoupon); a purchase or order still awaiting
 * payment was re-linked and, paid from the still-open pay sheet, issued to nobody — each ends now (EXPIRED /
 * CANCELLED, its hold given back), so money that still arrives is refunded by the usual path. Run while the
 * documents still carry the openid, so the refund documents are re-linked with the rest.
 */
async function settleUnfinishedPurchases(db: DB.Database, openid: string, now: number): Promise<void> {
  const _ = db.command
  for (const c of await readAllWhere<{ _id: string }>(db, 'coupons', { openid, status: 'ISSUED', amountFen: _.gt(0) }, { _id: true })) {
    await refundUnusedCoupon(db, c._id, '注销账户，未使用的购券退款', now)
  }
  for (const c of await readAllWhere<CouponDoc>(db, 'coupons', { openid, status: 'PENDING_PAYMENT' })) await releaseUnpaidCoupon(db, c, now)
  for (const o of await readAllWhere<OrderDoc>(db, 'orders', { openid, status: 'PENDING_PAYMENT' })) await releaseUnpaid(db, o, 'CANCELLED', now)
}

/**
 * Erase a resident. Kept documents are re-linked first (so a crash halfway leaves the person still erasable
 * by a retry, never a kept order pointing at a deleted profile), then personal documents are removed. Every
 * step is a multi-document conditional write on `field == openid`: a retry does only what is left.
 */
export async function erase(db: DB.Database, openid: string, now: number): Promise<void> {
  const _ = db.command
  const tombstone = newTombstone()
  // Files first, while the documents naming them still exist: my data exports, every file noted as mine (photos I
  // uploaded, attached or not, and their attached copies), and the photos on my ratings and cases.
  const profile = await findById<{ exportFiles?: string[] }>(db, 'users', openid)
  const mine = await filesOf(db, openid)
  const ratings = await ifCollectionExists(() => readAllWhere<Record<string, unknown>>(db, 'ratings', { openid }, { photos: true, images: true }), [])
  const cases = await ifCollectionExists(() => readAllWhere<Record<string, unknown>>(db, 'afterSalesCases', { openid }, { images: true }), [])
  const ratingFiles = [...ratings, ...cases].flatMap((r) => [r.photos, r.images].flatMap((v) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])))
  await deleteFiles([...(profile?.exportFiles ?? []), ...mine, ...ratingFiles])
  await settleUnfinishedPurchases(db, openid, now)
  // Audit lines still riding on orders name their clerk (a former clerk may erase themselves): written first, so the
  // re-link below finds them. A resident's riding points entries are written for the order's openid as settle finds
  // it — a tombstone after the re-link, and then not written (server/pickup/handover-records.ts).
  await writeDueHandoverRecords(db, ALL_RIDING)
  for (const k of KEYS.filter((x) => PERSONAL_DATA[x].erase === 'relink')) {
    const p = PERSONAL_DATA[k]
    const patch: Record<string, unknown> = { [p.field]: tombstone, erasedAt: now }
    if (p.collection === 'orders') patch.nickname = ERASED_NAME
    const write = async () => {
      if (p.collection === 'coupons') {
        await db.collection('coupons').where({ [p.field]: openid, status: _.in(VOIDABLE_COUPONS) }).update({ data: { status: 'VOIDED', voidedAt: now } })
      }
      if (p.collection === 'orders') {
        // The door an order went to: kept only while it still has to be delivered (the goods are paid for); once
        // delivered, refunded or cancelled the address is nobody's business (an audit: test/node/attacks-roles.test.ts).
        await db.collection('orders').where({ [p.field]: openid, 'delivery.building': _.exists(true), status: _.nin(['PAID', 'READY_FOR_PICKUP']) }).update({ data: forgetDoor(_) })
      }
      if (p.collection === 'ratings' || p.collection === 'afterSalesCases') {
        await db.collection(p.collection).where({ [p.field]: openid }).update({ data: Object.fromEntries(RATING_PERSONAL_FIELDS.map((f) => [f, _.remove()])) })
      }
      await db.collection(p.collection).where({ [p.field]: openid }).update({ data: patch })
    }
    await (p.optional ? ifCollectionExists(write, undefined) : write())
  }
  // An order's own code (kind absent) stays with its kept order, so what was paid can still be collected by code.
  await db.collection('pickupCodes').where({ openid, kind: _.exists(false) }).update({ data: { openid: tombstone, erasedAt: now } })
  for (const k of KEYS.filter((x) => PERSONAL_DATA[x].erase === 'remove')) {
    const p = PERSONAL_DATA[k]
    const remove = async () => {
      await db.collection(p.collection).where({ [p.field]: openid }).remove()
    }
    await (p.optional ? ifCollectionExists(remove, undefined) : remove())
  }
  // Member points may be keyed by openid (members/<openid>) instead of carrying an openid field.
  await ifCollectionExists(async () => {
    await db.collection('members').where({ _id: openid }).remove()
  }, undefined)
  await db.collection('users').where({ _id: openid }).remove()
}
