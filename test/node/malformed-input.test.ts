/**
 * Issue #3: every action validates its whole event before touching data. Missing fields, wrong types, negative
 * or huge numbers, number-like strings, operator objects and unknown keys (including an own `__proto__`, which
 * only raw JSON can carry) are INPUT.INVALID, and not a single database write happens.
 */
import { createGroupBuy, DEMO, join, startTestCloud, type Doc, type TestCloud } from './support/cloud'

jest.setTimeout(60_000)

let cloud: TestCloud
let groupBuyId: string
let orderId: string
beforeAll(async () => {
  cloud = await startTestCloud()
  groupBuyId = await createGroupBuy(cloud, { stock: 100, limitPerUser: 5 })
  const res = await join(cloud, resident, groupBuyId, 1)
  orderId = res.data.orderId
})
afterAll(async () => {
  await cloud.close()
})

const resident = DEMO.residents[0]

type Kind = 'id' | 'requestId' | 'text' | 'optText' | 'int' | 'epoch' | 'enum' | 'images' | 'templates' | 'cursor'

/** Values that are wrong for every field of a kind (checked against the contracts in src/shared/contracts). */
const BAD: Record<Kind, unknown[]> = {
  id: [1, null, true, {}, [], '', 'a/b', '../x', 'x'.repeat(65), { $gt: '' }, ['a']],
  requestId: [1, null, true, {}, [], '', 'short', 'a b c d e f', 'x'.repeat(65), { $ne: null }],
  text: [1, null, true, {}, [], '', '   ', 'x'.repeat(5000)],
  optText: [1, null, true, {}, [], 'x'.repeat(5000)],
  int: [-1, 0, 1.5, 1e20, -1e20, '1', 'NaN', 'Infinity', '1e20', '', null, true, {}, [], { $inc: 1 }],
  epoch: [-1, 0, 1.5, 1e20, '2030-01-01', 'NaN', 'Infinity', null, {}, []],
  enum: ['bogus', '', 1, null, {}, []],
  images: ['x', [1], {}, [''], Array(10).fill('a'), null],
  templates: [[], ['BOGUS'], 'GROUP_SUCCEEDED', [1], Array(5).fill('GROUP_SUCCEEDED'), null],
  cursor: [1, null, '', {}, [], 'x'.repeat(201), 'not-one-we-issued'],
}

interface Case {
  fn: string
  action: string
  caller: string
  base: () => Record<string, unknown>
  fields: Record<string, { kind: Kind; optional?: boolean }>
}

const CASES: Case[] = [
  {
    fn: 'groupBuy', action: 'create', caller: DEMO.leader,
    base: () => ({ title: '好物', priceFen: 100, stock: 10, minParticipants: 1, limitPerUser: 1, startAt: Date.now(), endAt: Date.now() + 3600_000, pickupPointId: cloud.pickupPointId }),
    fields: {
      title: { kind: 'text' }, priceFen: { kind: 'int' }, stock: { kind: 'int' }, minParticipants: { kind: 'int' }, limitPerUser: { kind: 'int' },
      startAt: { kind: 'epoch' }, endAt: { kind: 'epoch' }, pickupPointId: { kind: 'id' },
      description: { kind: 'optText', optional: true }, images: { kind: 'images', optional: true }, unit: { kind: 'text', optional: true }, originalPriceFen: { kind: 'int', optional: true },
    },
  },
  { fn: 'groupBuy', action: 'list', caller: resident, base: () => ({ pickupPointId: cloud.pickupPointId }), fields: { pickupPointId: { kind: 'id' }, cursor: { kind: 'cursor', optional: true }, limit: { kind: 'int', optional: true }, sort: { kind: 'enum', optional: true } } },
  { fn: 'groupBuy', action: 'get', caller: resident, base: () => ({ groupBuyId }), fields: { groupBuyId: { kind: 'id' } } },
  { fn: 'groupBuy', action: 'join', caller: resident, base: () => ({ groupBuyId, quantity: 1, requestId: 'malformed-base-join' }), fields: { groupBuyId: { kind: 'id' }, quantity: { kind: 'int' }, requestId: { kind: 'requestId' } } },
  { fn: 'groupBuy', action: 'listMine', caller: DEMO.leader, base: () => ({}), fields: { cursor: { kind: 'cursor', optional: true } } },
  { fn: 'groupBuy', action: 'participants', caller: DEMO.leader, base: () => ({ groupBuyId }), fields: { groupBuyId: { kind: 'id' }, cursor: { kind: 'cursor', optional: true } } },
  { fn: 'order', action: 'listMine', caller: resident, base: () => ({}), fields: { cursor: { kind: 'cursor', optional: true } } },
  { fn: 'order', action: 'get', caller: resident, base: () => ({ orderId }), fields: { orderId: { kind: 'id' } } },
  { fn: 'order', action: 'cancel', caller: resident, base: () => ({ orderId }), fields: { orderId: { kind: 'id' } } },
  { fn: 'admin', action: 'createPickupPoint', caller: DEMO.admin, base: () => ({ name: '新点', address: '某路 1 号', storeName: '某店' }), fields: { name: { kind: 'text' }, address: { kind: 'text' }, storeName: { kind: 'text' } } },
  { fn: 'admin', action: 'grantRole', caller: DEMO.admin, base: () => ({ openid: 'new-leader', role: 'leader', pickupPointId: cloud.pickupPointId }), fields: { openid: { kind: 'id' }, role: { kind: 'enum' }, pickupPointId: { kind: 'id' } } },
  { fn: 'user', action: 'me', caller: resident, base: () => ({}), fields: {} },
  { fn: 'user', action: 'choosePickupPoint', caller: resident, base: () => ({ pickupPointId: cloud.pickupPointId }), fields: { pickupPointId: { kind: 'id' } } },
  { fn: 'user', action: 'listPickupPoints', caller: resident, base: () => ({}), fields: {} },
  { fn: 'user', action: 'recordConsent', caller: resident, base: () => ({ templates: ['GROUP_SUCCEEDED'] }), fields: { templates: { kind: 'templates' } } },
  { fn: 'insight', action: 'dashboard', caller: DEMO.merchant, base: () => ({ from: Date.now() - 86400_000, to: Date.now() }), fields: { from: { kind: 'epoch' }, to: { kind: 'epoch' } } },
]

/** Every malformed variant of a case's valid event, each with a label saying what is wrong. */
function variants(c: Case): { label: string; event: Record<string, unknown> }[] {
  const out: { label: string; event: Record<string, unknown> }[] = []
  const base = c.base()
  for (const [field, spec] of Object.entries(c.fields)) {
    if (!spec.optional) {
      const event = { ...base }
      delete event[field]
      out.push({ label: `missing ${field}`, event })
    }
    for (const bad of BAD[spec.kind]) out.push({ label: `${field}=${JSON.stringify(bad)?.slice(0, 40)}`, event: { ...base, [field]: bad } })
  }
  for (const extra of [{ extra: 1 }, { openid: DEMO.admin }, { _id: 'x' }, { constructor: { prototype: {} } }, { toString: 'x' }, { hasOwnProperty: 1 }]) {
    if (Object.keys(extra)[0] in c.fields) continue
    out.push({ label: `extra ${Object.keys(extra)[0]}`, event: { ...base, ...extra } })
  }
  return out
}

const WRITE_ACTIONS = ['database.insertDocument', 'database.modifyDocument', 'database.modifyAndReturnDoc', 'database.removeDocument', 'database.commitTransaction']
const writes = () => WRITE_ACTIONS.reduce((sum, a) => sum + (cloud.db.stats.byAction[a] ?? 0), 0)

async function postRaw(fn: string, openid: string, text: string): Promise<Doc> {
  const res = await fetch(`${cloud.url}/fn/${fn}`, { method: 'POST', headers: { 'X-WX-OPENID': openid, 'content-type': 'application/json' }, body: text })
  return (await res.json()) as Doc
}

describe.each(CASES.map((c) => [`${c.fn}.${c.action}`, c] as const))('%s', (_name, c) => {
  it('rejects every malformed event with INPUT.INVALID and writes nothing', async () => {
    const before = writes()
    const wrong: string[] = []
    for (const v of variants(c)) {
      const res = (await cloud.invoke(c.fn, { action: c.action, ...v.event }, c.caller)) as Doc
      if (res.ok || res.error.code !== 'INPUT.INVALID') wrong.push(`${v.label} -> ${res.ok ? 'ok' : res.error.code}`)
    }
    expect(wrong).toEqual([])
    expect(writes()).toBe(before)
  })

  it('rejects an own __proto__ key sent as raw JSON, and writes nothing', async () => {
    const before = writes()
    const base = JSON.stringify({ action: c.action, ...c.base() }).slice(0, -1)
    const smuggled = [
      `${base},"__proto__":{}}`,
      `${base},"__proto__":{"isAdmin":true}}`,
      `${base},"__proto__":${JSON.stringify(c.base())}}`,
      // Required fields only through the prototype: must not count as present.
      `{"action":"${c.action}","__proto__":${JSON.stringify(c.base())}}`,
    ]
    const wrong: string[] = []
    for (const text of smuggled) {
      const res = await postRaw(c.fn, c.caller, text)
      if (res.ok || res.error.code !== 'INPUT.INVALID') wrong.push(`${text} -> ${res.ok ? 'ok' : res.error.code}`)
    }
    expect(wrong).toEqual([])
    expect(writes()).toBe(before)
    // Nothing leaked onto Object.prototype either.
    expect(({} as Doc).isAdmin).toBeUndefined()
  })

  it('accepts the well-formed event (so the rejections above are about the input)', async () => {
    const res = (await cloud.invoke(c.fn, { action: c.action, ...c.base() }, c.caller)) as Doc
    expect(res.error?.code ?? 'ok').toBe('ok')
  })
})

it('odd action names are ACTION.UNKNOWN, not a crash', async () => {
  for (const fn of ['groupBuy', 'order', 'admin', 'user']) {
    for (const action of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 42, null, ['join']]) {
      const res = (await cloud.invoke(fn, { action }, resident)) as Doc
      expect(res.error?.code).toBe('ACTION.UNKNOWN')
    }
  }
  const res = await postRaw('user', resident, 'not json')
  expect(res.error.code).toBe('INPUT.INVALID')
})
