import { errorText } from '@server/cloud'

/** The part of a wx-server-sdk transaction the ledger uses: doc reads/writes and keyed inserts. */
export interface TxDoc {
  get(): Promise<{ data: unknown }>
  set(o: { data: Record<string, unknown> }): Promise<unknown>
  update(o: { data: Record<string, unknown> }): Promise<unknown>
}
export interface Tx {
  /** add takes one document or a list (one insert request for all of them, wx-server-sdk answers `_ids`). */
  collection(name: string): { doc(id: string): TxDoc; add(o: { data: Record<string, unknown> | Record<string, unknown>[] }): Promise<unknown> }
}

/**
 * Conflicts only come from writes to one payee's balance (or tier) document at the same moment — pickups at a busy
 * counter, a crowd of payout requests. Full-jitter exponential backoff (up to 200 ms) lets even a few hundred at
 * once through one by one within seconds; a hook that still fails is booked by settle's catch-up.
 */
const MAX_ATTEMPTS = 40
const MAX_BACKOFF_MS = 200

// CloudBase answers a conflict with code DATABASE_TRANSACTION_CONFLICT and the message
// "[ResourceUnavailable.TransactionConflict] …"; wx-server-sdk keeps only the message for a conflict raised at a
// write inside the transaction (errCode -501001), and the raw code for one raised at commit.
function isConflict(err: unknown): boolean {
  return isRunAgain(err) || /TRANSACTION_CONFLICT|TransactionConflict/.test(errorText(err))
}

/**
 * Thrown by a transaction's own code when what it read is about to change (a document another call is writing right
 * now): the transaction is run again, as after a conflict, with the same backoff; after the last attempt it is
 * thrown to the caller (isRunAgain), whose call is then retried as a whole later.
 */
export class RunAgain extends Error {
  constructor(why: string) {
    super(`RUN_AGAIN: ${why}`)
  }
}

/** RunAgain, as thrown or as a transaction's wrapper passes its message on. */
export function isRunAgain(err: unknown): boolean {
  return err instanceof RunAgain || /RUN_AGAIN/.test(errorText(err))
}

/**
 * Run `fn` in one snapshot-isolated transaction: every write commits together or not at all, and a write to a
 * document someone else changed since the start fails the commit (first committer wins). A conflict is retried
 * with a fresh snapshot after a random pause (the SDK's own retry is immediate, so a crowd would collide again at
 * once); `fn` must therefore decide everything from what it reads inside.
 */
export async function inTransaction<T>(db: DB.Database, fn: (t: Tx) => Promise<T>): Promise<T> {
  const run = (db as unknown as { runTransaction(cb: (t: Tx) => Promise<T>, times: number): Promise<T> }).runTransaction.bind(db)
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(fn, 0)
    } catch (err) {
      if (!isConflict(err) || attempt >= MAX_ATTEMPTS) throw err
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(MAX_BACKOFF_MS, 4 * 2 ** attempt)))
    }
  }
}

/** A document read inside the transaction, or null. (wx-server-sdk's transaction get throws for a missing one.) */
export async function txGet<T>(t: Tx, collection: string, id: string): Promise<T | null> {
  try {
    return ((await t.collection(collection).doc(id).get()).data as T | null) ?? null
  } catch (err) {
    if (/does not exist/.test(errorText(err))) return null
    throw err
  }
}
