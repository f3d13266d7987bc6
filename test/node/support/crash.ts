import { readAll, type TestCloud } from './cloud'

const WRITES = new Set(['database.insertDocument', 'database.modifyDocument', 'database.modifyAndReturnDoc', 'database.removeDocument'])

/**
 * Run `run` with the instance dying at the `nth` write to `collection` (whose request mentions `match`, when given):
 * that write fails and so does every database request after it until `run` returns (a dead instance writes nothing
 * more, so no compensation runs). Returns whether the death happened and what `run` returned (or threw). A transaction
 * the run opened and never finished is aborted once it returns, as CloudBase aborts a dead instance's transaction when
 * it times out (its writes hold their documents until then).
 */
export async function dieAt<T>(cloud: TestCloud, spec: { collection: string; match?: string; nth?: number }, run: () => Promise<T>): Promise<{ died: boolean; result?: T; error?: unknown }> {
  const db = cloud.db as unknown as { handle(action: string, params?: Record<string, unknown>): Record<string, unknown> }
  const original = db.handle.bind(db)
  let seen = 0
  let dead = false
  const open = new Set<string>()
  const spy = jest.spyOn(db, 'handle').mockImplementation((action: string, params?: Record<string, unknown>) => {
    if (dead) return { code: 'SYS_ERR', message: 'simulated crash: the instance is dead' }
    if (action === 'database.commitTransaction' || action === 'database.abortTransaction') open.delete(String(params?.transactionId))
    if (WRITES.has(action) && params?.collectionName === spec.collection && (!spec.match || JSON.stringify(params).includes(spec.match))) {
      if (++seen === (spec.nth ?? 1)) {
        dead = true
        return { code: 'SYS_ERR', message: `simulated crash before write to ${spec.collection}` }
      }
    }
    const reply = original(action, params)
    if (action === 'database.startTransaction' && typeof reply.transactionId === 'string') open.add(reply.transactionId)
    return reply
  })
  try {
    const result = await run()
    return { died: dead, result }
  } catch (error) {
    return { died: dead, error }
  } finally {
    spy.mockRestore()
    for (const transactionId of open) {
      try {
        original('database.abortTransaction', { transactionId })
      } catch {
        // already timed out
      }
    }
  }
}

/**
 * For a file that kills calls: the simulated crashes' console errors (and every warning the heals print) are kept
 * out of the output; any other error still shows.
 */
export function quietCrashLogs(): void {
  let quiet: jest.SpyInstance[] = []
  beforeAll(() => {
    const original = console.error
    quiet = [
      jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
        if (!args.some((a) => String(a instanceof Error ? a.message : JSON.stringify(a) ?? a).includes('simulated crash'))) original(...args)
      }),
      jest.spyOn(console, 'warn').mockImplementation(() => undefined),
    ]
  })
  afterAll(() => {
    for (const s of quiet) s.mockRestore()
  })
}

/** A group buy's counters as a recount from its orders would have them (what a heal must bring them back to). */
export async function recountGroupBuy(groupBuyId: string): Promise<{ soldQuantity: number; reservedQuantity: number; paidParticipants: number }> {
  const orders = await readAll('orders', { groupBuyId })
  const live = orders.filter((o) => ['PAID', 'READY_FOR_PICKUP', 'PICKED_UP'].includes(o.status))
  return {
    soldQuantity: live.reduce((s, o) => s + o.quantity, 0),
    reservedQuantity: orders.filter((o) => o.status === 'PENDING_PAYMENT').reduce((s, o) => s + o.quantity, 0),
    paidParticipants: new Set(live.map((o) => o.openid)).size,
  }
}
