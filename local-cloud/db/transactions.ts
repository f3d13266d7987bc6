// Snapshot-isolated transactions for one process.
//
// Copy-on-write snapshots: whenever anything writes a document while transactions are open, the
// document's pre-image is recorded into every open transaction that has not yet recorded that key.
// A transaction therefore reads (own writes) ?? (recorded pre-image) ?? (current row): exactly the
// state at its start plus its own writes. A recorded key also means "changed by someone else since
// start". As on CloudBase (MongoDB underneath), a transactional write to a document that was changed
// since the transaction started, or that another open transaction has written and not yet committed,
// fails at once with DATABASE_TRANSACTION_CONFLICT and the transaction is gone (MongoDB aborts it), so
// it never holds a document against others. Nothing waits: no lock is held across awaits.
import * as crypto from 'crypto'
import { Doc } from './ejson'
import { DbError } from './store'

export interface TxnWrite { collection: string; doc: Doc | null; key: string }

export interface Txn {
  id: string
  startedAt: number
  /** docKey -> buffered write (doc null = delete) */
  writes: Map<string, TxnWrite>
  /** docKey -> the document as it was when the transaction started (null = did not exist) */
  snapshot: Map<string, Doc | null>
}

export function docKey(collection: string, key: string): string {
  return `${collection}\u0000${key}`
}

export class TransactionManager {
  private readonly open = new Map<string, Txn>()

  constructor(private readonly timeoutMs: number, private readonly now: () => number = Date.now) {}

  get openCount(): number {
    return this.open.size
  }

  start(): Txn {
    this.sweep()
    const txn: Txn = { id: crypto.randomBytes(12).toString('hex'), startedAt: this.now(), writes: new Map(), snapshot: new Map() }
    this.open.set(txn.id, txn)
    return txn
  }

  /** The open transaction, or DATABASE_TRANSACTION_FAIL when unknown, finished or past its 30 s. */
  get(id: unknown): Txn {
    const txn = typeof id === 'string' ? this.open.get(id) : undefined
    if (!txn) throw new DbError('DATABASE_TRANSACTION_FAIL', `transaction ${String(id)} does not exist (committed, aborted or expired) [DATABASE_TRANSACTION_FAIL]`)
    if (this.now() - txn.startedAt > this.timeoutMs) {
      this.open.delete(txn.id)
      throw new DbError('DATABASE_TRANSACTION_FAIL', `transaction ${txn.id} does not exist (expired after ${this.timeoutMs} ms) [DATABASE_TRANSACTION_FAIL]`)
    }
    return txn
  }

  /**
   * Before a transactional write of `key`: conflict when someone changed the document since `txn` started, or
   * another open transaction holds an uncommitted write to it. The conflicting transaction is ended.
   */
  claim(txn: Txn, key: string): void {
    let reason: string | null = null
    if (txn.snapshot.has(key)) reason = 'was changed after this transaction started'
    else if (!txn.writes.has(key)) {
      for (const other of this.open.values()) {
        if (other !== txn && other.writes.has(key)) { reason = 'has an uncommitted write by another transaction'; break }
      }
    }
    if (reason === null) return
    this.open.delete(txn.id)
    throw new DbError('DATABASE_TRANSACTION_CONFLICT', `write conflict: the document ${reason}; transaction ${txn.id} is aborted [DATABASE_TRANSACTION_CONFLICT]`)
  }

  end(id: string): void {
    this.open.delete(id)
  }

  /** Call before any committed write of a document (pre = its current content, null when absent). */
  recordPreImage(key: string, readPre: () => Doc | null): void {
    if (this.open.size === 0) return
    this.sweep()
    let pre: Doc | null | undefined
    for (const txn of this.open.values()) {
      if (txn.snapshot.has(key)) continue
      if (pre === undefined) pre = readPre()
      txn.snapshot.set(key, pre)
    }
  }

  private sweep(): void {
    const t = this.now()
    for (const [id, txn] of this.open) if (t - txn.startedAt > this.timeoutMs) this.open.delete(id)
  }
}
