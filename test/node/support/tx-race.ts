import { database } from './cloud'

/**
 * A database whose transactions, at their first read of `target`, first let `meanwhile` run to its end (once): the
 * other call commits between this transaction's snapshot and its writes.
 */
export function racingAt(target: { collection: string; id: string }, meanwhile: () => Promise<void>): { db: DB.Database; attempts: () => number } {
  const real = database()
  let raced = false
  let attempts = 0
  const racing = Object.create(real) as DB.Database
  type AnyTx = { collection(name: string): { doc(id: string): Record<string, (...a: unknown[]) => Promise<unknown>>; add(o: unknown): Promise<unknown> } }
  ;(racing as unknown as { runTransaction: unknown }).runTransaction = (cb: (t: AnyTx) => Promise<unknown>, times: number) =>
    (real as unknown as { runTransaction(cb: (t: AnyTx) => Promise<unknown>, times: number): Promise<unknown> }).runTransaction(async (t: AnyTx) => {
      attempts++
      const wrapped: AnyTx = {
        collection: (name) => ({
          add: (o) => t.collection(name).add(o),
          doc: (id) => {
            const d = t.collection(name).doc(id)
            if (name !== target.collection || id !== target.id) return d
            return {
              get: async () => {
                const r = await d.get()
                if (!raced) {
                  raced = true
                  await meanwhile()
                }
                return r
              },
              set: (o: unknown) => d.set(o),
              update: (o: unknown) => d.update(o),
              remove: () => d.remove(),
            }
          },
        }),
      }
      return cb(wrapped)
    }, times)
  return { db: racing, attempts: () => attempts }
}
