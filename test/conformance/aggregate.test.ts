// aggregate(): the basic stages through the SDK's pipeline builder.
import { setupConformance } from './harness'

const h = setupConformance()
const $ = () => h.db.command.aggregate

beforeAll(async () => {
  const orders = h.db.collection('orders')
  for (const [openid, fen] of [['u1', 100], ['u1', 250], ['u2', 80]] as const) await orders.add({ data: { run: h.run, openid, fen } })
})

it('match + group + sort sums per key', async () => {
  const res = await h.db.collection('orders').aggregate()
    .match({ run: h.run })
    .group({ _id: '$openid', total: $().sum('$fen'), n: $().sum(1) })
    .sort({ _id: 1 })
    .end()
  expect(res.list).toEqual([{ _id: 'u1', total: 350, n: 2 }, { _id: 'u2', total: 80, n: 1 }])
})

it('match + project + limit', async () => {
  const res = await h.db.collection('orders').aggregate()
    .match({ run: h.run, fen: h.db.command.gte(100) })
    .sort({ fen: -1 })
    .project({ _id: 0, fen: 1 })
    .limit(1)
    .end()
  expect(res.list).toEqual([{ fen: 250 }])
})

// Reported by WeChat developers, not in the reference docs: run with CLOUDBASE_ENV, this checks it against CloudBase.
it('answers 20 rows of a pipeline without limit, all of them with .limit(n)', async () => {
  const many = h.db.collection('orders')
  for (let i = 0; i < 25; i++) await many.add({ data: { run: h.run, many: true, openid: `m${String(i).padStart(2, '0')}`, fen: 1 } })
  const perBuyer = () => h.db.collection('orders').aggregate().match({ run: h.run, many: true }).group({ _id: '$openid', n: $().sum(1) }).sort({ _id: 1 })
  expect((await perBuyer().end()).list).toHaveLength(20)
  expect((await perBuyer().limit(100).end()).list).toHaveLength(25)
})
