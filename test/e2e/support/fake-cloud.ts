/**
 * A deliberately small in-memory stand-in for the local cloud host, used only when E2E_FAKE_CLOUD=1 (to work on
 * the H5 screens before/without local-cloud/host.ts). It follows the contracts loosely; the real suite runs
 * against startLocalCloud().
 */
import http from 'http'
import type { AddressInfo } from 'net'
import type { LocalCloud } from './local-cloud'

type Doc = Record<string, unknown> & { [k: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

export async function startFakeCloud(): Promise<LocalCloud> {
  const points = [{ pickupPointId: 'p1', name: '幸福里小区', address: '幸福路 88 号', storeName: '幸福便利店' }]
  const users: Record<string, Doc> = {
    'demo-leader': { roles: ['resident', 'leader'], pickupPointId: 'p1', boundPickupPointId: 'p1', name: '王团长' },
    'demo-clerk': { roles: ['resident', 'clerk'], pickupPointId: 'p1', boundPickupPointId: 'p1', name: '李店员' },
    'demo-resident-1': { roles: ['resident'], pickupPointId: null, name: '张三' },
    'demo-resident-2': { roles: ['resident'], pickupPointId: null, name: '李四' },
    'demo-resident-3': { roles: ['resident'], pickupPointId: null, name: '王五' },
    'demo-admin': { roles: ['resident', 'admin'], pickupPointId: null, name: '管理员' },
  }
  const gbs: Doc[] = []
  const orders: Doc[] = []
  let n = 0
  const id = (p: string) => `${p}${++n}`
  const ok = (data: unknown) => ({ ok: true, data })
  const fail = (code: string) => ({ ok: false, error: { code, message: code } })
  const view = (g: Doc, openid: string) => ({
    ...g,
    paidParticipants: orders.filter((o) => o.groupBuyId === g.groupBuyId && ['PAID', 'READY_FOR_PICKUP', 'PICKED_UP'].includes(o.status)).length,
    myQuantity: orders.filter((o) => o.groupBuyId === g.groupBuyId && o.openid === openid && o.status !== 'CANCELLED').reduce((s, o) => s + o.quantity, 0),
  })
  const orderView = (o: Doc) => ({ ...o, pickupCode: o.status === 'READY_FOR_PICKUP' || o.status === 'PICKED_UP' ? o.pickupCode : null })

  const fns: Record<string, (openid: string, e: Doc) => unknown> = {
    'user.me': (openid) => ok({ openid, roles: users[openid]?.roles ?? ['resident'], pickupPointId: users[openid]?.pickupPointId ?? null, boundPickupPointId: users[openid]?.boundPickupPointId ?? null }),
    'user.listPickupPoints': () => ok({ items: points }),
    'user.choosePickupPoint': (openid, e) => ((users[openid].pickupPointId = e.pickupPointId), ok({})),
    'groupBuy.create': (openid, e) => {
      const g: Doc = { ...e, groupBuyId: id('g'), leaderOpenid: openid, status: 'OPEN', stockLeft: e.stock, description: e.description ?? '', images: [], unit: e.unit ?? '份', originalPriceFen: e.originalPriceFen ?? null, createdAt: Date.now(), arrivedAt: null }
      delete g.action
      gbs.unshift(g)
      return ok({ groupBuyId: g.groupBuyId })
    },
    'groupBuy.list': (openid, e) => ok({ items: gbs.filter((g) => g.pickupPointId === e.pickupPointId).map((g) => view(g, openid)), nextCursor: null }),
    'groupBuy.listMine': (openid) => ok({ items: gbs.filter((g) => g.leaderOpenid === openid).map((g) => view(g, openid)), nextCursor: null }),
    'groupBuy.get': (openid, e) => {
      const g = gbs.find((x) => x.groupBuyId === e.groupBuyId)
      return g ? ok({ groupBuy: view(g, openid) }) : fail('GROUP_BUY.NOT_FOUND')
    },
    'groupBuy.join': (openid, e) => {
      const g = gbs.find((x) => x.groupBuyId === e.groupBuyId)
      if (!g) return fail('GROUP_BUY.NOT_FOUND')
      if (g.stockLeft < e.quantity) return fail('GROUP_BUY.SOLD_OUT')
      g.stockLeft -= e.quantity
      const o = { orderId: id('o'), groupBuyId: g.groupBuyId, openid, title: g.title, quantity: e.quantity, priceFen: g.priceFen, amountFen: g.priceFen * e.quantity, status: 'PENDING_PAYMENT', seq: orders.filter((x) => x.groupBuyId === g.groupBuyId).length + 1, createdAt: Date.now(), expiresAt: Date.now() + 900e3, paidAt: null, readyAt: null, pickedUpAt: null, refundedAt: null, pickupCode: String(100000 + Math.floor(Math.random() * 899999)), pickupExpiresAt: null }
      orders.push(o)
      return ok({ orderId: o.orderId, status: 'PENDING_PAYMENT', payment: { timeStamp: '0', nonceStr: 'x', package: 'prepay_id=x', signType: 'MD5', paySign: 'x' }, amountFen: o.amountFen, expiresAt: o.expiresAt })
    },
    'groupBuy.participants': (_o, e) => ok({ items: orders.filter((o) => o.groupBuyId === e.groupBuyId).map((o) => ({ seq: o.seq, maskedName: `${String(users[o.openid]?.name ?? '邻')[0]}**`, quantity: o.quantity, status: o.status, createdAt: o.createdAt })), nextCursor: null }),
    'groupBuy.markArrived': (_o, e) => {
      const g = gbs.find((x) => x.groupBuyId === e.groupBuyId)
      if (!g || g.status !== 'SUCCEEDED') return fail('GROUP_BUY.NOT_SUCCEEDED')
      g.arrivedAt = Date.now()
      const paid = orders.filter((o) => o.groupBuyId === g.groupBuyId && o.status === 'PAID')
      paid.forEach((o) => Object.assign(o, { status: 'READY_FOR_PICKUP', readyAt: Date.now(), pickupExpiresAt: Date.now() + 3 * 86400e3 }))
      return ok({ readyOrders: paid.length })
    },
    'order.listMine': (openid) => ok({ items: orders.filter((o) => o.openid === openid).map(orderView).reverse(), nextCursor: null }),
    'order.get': (openid, e) => {
      const o = orders.find((x) => x.orderId === e.orderId && x.openid === openid)
      return o ? ok({ order: orderView(o) }) : fail('ORDER.NOT_FOUND')
    },
    'order.cancel': () => fail('ORDER.NOT_CANCELLABLE'),
    'pickup.verify': (_o, e) => {
      const o = orders.find((x) => x.pickupCode === e.code)
      if (!o) return fail('PICKUP.CODE_NOT_FOUND')
      if (o.status === 'PICKED_UP') return fail('PICKUP.ALREADY_USED')
      if (o.status !== 'READY_FOR_PICKUP') return fail('PICKUP.NOT_READY')
      Object.assign(o, { status: 'PICKED_UP', pickedUpAt: Date.now() })
      return ok({ orderId: o.orderId, groupBuyId: o.groupBuyId, quantity: o.quantity, status: 'PICKED_UP', title: o.title })
    },
    'pickup.today': () => ok({ items: orders.filter((o) => o.status === 'PICKED_UP'), nextCursor: null }),
    'coupon.listCampaigns': () => ok({ items: [] }),
    'coupon.listMine': () => ok({ items: [] }),
  }
  const pay = (e: Doc) => {
    const o = orders.find((x) => x.orderId === e.orderId)
    if (!o || o.status !== 'PENDING_PAYMENT') return fail('ORDER.NOT_PAYABLE')
    Object.assign(o, { status: 'PAID', paidAt: Date.now() })
    const g = gbs.find((x) => x.groupBuyId === o.groupBuyId)!
    if (view(g, '').paidParticipants >= g.minParticipants) g.status = 'SUCCEEDED'
    return ok({})
  }

  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const e = body ? (JSON.parse(body) as Doc) : {}
      const openid = String(req.headers['x-wx-openid'] ?? '')
      const name = (req.url ?? '').replace(/^\/fn\//, '')
      const out = req.url === '/sim/pay' ? pay(e) : (fns[`${name}.${e.action}`]?.(openid, e) ?? fail('ACTION.UNKNOWN'))
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(out))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) }
}
