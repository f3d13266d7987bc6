import type { LocalCloud } from '../local-cloud/host'
import { createCrowdGroupBuy, percentile, runCrowd, type CrowdResult } from './crowd'

type Reply = { ok: boolean; data?: Record<string, unknown>; error?: { code: string } }
type Call = (fn: string, openid: string, event: Record<string, unknown>) => Promise<Reply>

export interface MixedResult {
  crowd: CrowdResult
  reads: number
  readErrors: number
  readP50Ms: number
  readP99Ms: number
  byKind: Record<string, { reads: number; p99Ms: number }>
}

/**
 * The crowd with readers beside it: `readers` residents keep paging the feed (groupBuy.list), opening a group
 * (groupBuy.get) and their orders (order.listMine) for as long as the crowd runs. Reads are timed one by one.
 */
export async function crowdWithReads(cloud: LocalCloud, call: Call, stock: number, residents: number, readers = 32): Promise<MixedResult> {
  const me = (await call('user', 'demo-leader', { action: 'me' })) as Reply
  const pickupPointId = String(me.data?.boundPickupPointId)
  const groupBuyId = await createCrowdGroupBuy(cloud, stock)
  const kinds: Record<string, (openid: string) => Promise<Reply>> = {
    feed: async (openid) => {
      const first = await call('groupBuy', openid, { action: 'list', pickupPointId, limit: 20 })
      const next = first.data?.nextCursor
      return next ? call('groupBuy', openid, { action: 'list', pickupPointId, limit: 20, cursor: next }) : first
    },
    detail: (openid) => call('groupBuy', openid, { action: 'get', groupBuyId }),
    myOrders: (openid) => call('order', openid, { action: 'listMine' }),
  }
  const names = Object.keys(kinds)
  const times: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]))
  let readErrors = 0
  let running = true
  const reader = async (r: number) => {
    for (let i = r; running; i++) {
      const kind = names[i % names.length]
      const t = performance.now()
      const res = await kinds[kind](`crowd-${r}`) // readers are residents of the crowd too (their orders fill up)
      times[kind].push(performance.now() - t)
      if (!res.ok) readErrors++
    }
  }
  const joinCall = (openid: string, event: Record<string, unknown>) => call('groupBuy', openid, event)
  const readersDone = Promise.all(Array.from({ length: readers }, (_, r) => reader(r)))
  const crowd = await runCrowd(cloud, groupBuyId, stock, residents, 2, joinCall)
  running = false
  await readersDone
  const all = Object.values(times).flat().sort((a, b) => a - b)
  const byKind = Object.fromEntries(names.map((k) => [k, { reads: times[k].length, p99Ms: percentile([...times[k]].sort((a, b) => a - b), 99) }]))
  return { crowd, reads: all.length, readErrors, readP50Ms: percentile(all, 50), readP99Ms: percentile(all, 99), byKind }
}
