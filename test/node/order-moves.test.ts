import { ORDERS_ROOM, orderStatusWrites, statusWritesIn } from '../../scripts/house/order-status-writes'

// Every order status change goes through the orders room (moveOrder / moveOrderInTx on ORDER_TRANSITIONS), so the
// table is the code and not only documentation. `npx tsx scripts/house/order-status-writes.ts` lists the writes.
it('only the orders room writes an order status', () => {
  const writes = orderStatusWrites()
  expect(writes.length).toBeGreaterThan(0) // the scan reads the room's own writes
  expect([...new Set(writes.map((w) => w.file))]).toEqual([ORDERS_ROOM])
})

it('finds a hand-written status write in each shape it can take', () => {
  const text = `
    async function a(db, id) { await db.collection('orders').where({ _id: id, status: 'PAID' }).update({ data: { status: 'REFUNDING' } }) }
    async function b(t, id, done) { const data = { refundedAt: 1 }; if (done) data.status = 'REFUNDED'; await t.collection('orders').doc(id).update({ data }) }
    async function c(t, id, p) { await t.collection(p.collection).doc(id).update({ data: p.ok ? { x: 1 } : { status: 'PAID' } }) }
    async function d(db, id) { const data = { status: 'EXPIRED', endedAt: 2 }; await db.collection(ORDERS).doc(id).set({ data }) }
  `
  expect(statusWritesIn('x.ts', text).map((w) => w.line)).toEqual([2, 3, 4, 5])
})

it('leaves other writes alone', () => {
  const text = `
    async function a(db, id) { await db.collection('orders').where({ _id: id, status: 'PAID' }).update({ data: { countedAt: 1 } }) }
    async function b(db, id) { await db.collection('coupons').doc(id).update({ data: { status: 'REFUNDED' } }) }
    async function c(db, id) { await db.collection(AFTER_SALES).doc(id).update({ data: { status: 'APPROVED' } }) }
    async function d(t, id) { const data = { pickedUpAt: 1 }; await t.collection('orders').doc(id).update({ data }); data.status = 'PICKED_UP' }
  `
  expect(statusWritesIn('x.ts', text)).toEqual([])
})
