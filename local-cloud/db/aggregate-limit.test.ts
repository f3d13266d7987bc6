// aggregate() without a `$limit` stage answers 20 rows, as CloudBase does (engine.ts AGGREGATE_DEFAULT_LIMIT): a
// pipeline that forgets `.limit()` must lose rows here as it would in production, not pass here and truncate there.
import { LocalDatabase } from './index'
import { AGGREGATE_DEFAULT_LIMIT } from './engine'

process.env.TENCENTCLOUD = 'true'
// eslint-disable-next-line @typescript-eslint/no-var-requires
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const local = LocalDatabase.open()
local.install()
const db = cloud.database()
const $ = db.command.aggregate
afterAll(() => local.close())

const GROUPS = 25

beforeAll(async () => {
  // Two orders per buyer, so each row is a group of several documents, not a document passed through.
  for (let i = 0; i < GROUPS; i++) {
    for (const fen of [100, 1]) await db.collection('orders').add({ data: { openid: `buyer-${String(i).padStart(2, '0')}`, fen } })
  }
})

const perBuyer = () => db.collection('orders').aggregate().group({ _id: '$openid', total: $.sum('$fen') }).sort({ _id: 1 })

it('answers the first 20 groups of 25 when the pipeline has no limit', async () => {
  expect(AGGREGATE_DEFAULT_LIMIT).toBe(20)
  const { list } = await perBuyer().end()
  expect(list).toHaveLength(20)
  expect(list[0]).toEqual({ _id: 'buyer-00', total: 101 })
  expect(list[19]._id).toBe('buyer-19')
})

it('answers all 25 with .limit(100), and exactly n with .limit(n) above 20', async () => {
  expect((await perBuyer().limit(100).end()).list).toHaveLength(25)
  expect((await perBuyer().limit(22).end()).list).toHaveLength(22)
})

it('cuts a leading $match served by SQL, and the GROUP BY fast path, the same way', async () => {
  expect((await db.collection('orders').aggregate().match({ fen: 100 }).end()).list).toHaveLength(20)
  const counted = () => db.collection('orders').aggregate().match({ fen: db.command.gt(0) }).group({ _id: '$openid', n: $.sum(1) })
  expect((await counted().end()).list).toHaveLength(20)
  expect((await counted().limit(1000).end()).list).toHaveLength(25)
})
