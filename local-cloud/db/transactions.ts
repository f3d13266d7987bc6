// Snapshot-isolated transactions for one process.
//
// The snapshot is taken at a transaction's first operation (as MongoDB, under CloudBase, takes it at the first
// command of a transaction, not at startTransaction). Copy-on-write: whenever anything writes a document while
// transactions with a snapshot are open, the document's pre-image is recorded into each of them that has not yet
// recorded that key. A transaction therefore reads (own writes) ?? (recorded pre-image) ?? (current row): exactly
// the state at its snapshot plus its own writes. A recorded key also means "changed by someone else since the
// snapshot". As on CloudBase, a transactional write to a document that was changed since the snapshot, or that
// another open transaction has written and not yet committed, fails at once with DATABASE_TRANSACTION_CONFLICT
// and the transaction is gone (MongoDB aborts it), so it never holds a document against others. Nothing waits:
// no lock is held across awaits. A transaction that has not operated yet costs committed writes nothing.
import * as crypto from 'crypto'
import { Doc } from './ejson'
import { DbError } from './errors'

/** CloudBase's own replies (code and message), as its HTTP API returns them. */
export const TRANSACTION_CONFLICT = {
  code: 'DATABASE_TRANSACTION_CONFLICT',
  message: '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us.',
} as const
export const TRANSACTION_NOT_EXIST = {
  code: 'DATABASE_TRANSACTION_FAIL',
  message: '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.',
} as const

export function transactionConflict(): DbError {
  return new DbError(TRANSACTION_CONFLICT.code, TRANSACTION_CONFLICT.message)
}

function transactionNotExist(): DbError {
  return new DbError(TRANSACTION_NOT_EXIST.code, TRANSACTION_NOT_EXIST.message)
}

export interface TxnWrite { collection: string; doc: Doc | null; key: string }

export interface Txn {
  id: string
  startedAt: number
  /** docKey -> buffered write (doc null = delete) */
  writes: Map<string, TxnWrite>
  /** docKey -> the document as it was at the snapshot (null = did not exist) */
  snapshot: Map<string, Doc | null>
  /** false until the transaction's first operation takes its snapshot */
  snapshotTaken: boolean
}

export function docKey(collection: string, key: string): string {
  return `${collection}\u0000${key}`
}

export class TransactionManager {
  private readonly open = new Map<string, Txn>()
  /** the open transactions that have taken their snapshot: only these record pre-images */
  private readonly snapshotting = new Set<Txn>()
  /** docKey -> the open transaction holding an uncommitted write to it (claim() allows one at a time) */
  private readonly writers = new Map<string, Txn>()

  constructor(private readonly timeoutMs: number, private readonly now: () => number = Date.now) {}

  get openCount(): number {
    return this.open.size
  }

  start(): Txn {
    this.sweep()
    const txn: Txn = { id: crypto.randomBytes(12).toString('hex'), startedAt: this.now(), writes: new Map(), snapshot: new Map(), snapshotTaken: false }
    this.open.set(txn.id, txn)
    return txn
  }

  /** The open transaction, or DATABASE_TRANSACTION_FAIL when unknown, finished or past its 30 s. */
  get(id: unknown): Txn {
    const txn = typeof id === 'string' ? this.open.get(id) : undefined
    if (!txn) throw transactionNotExist()
    if (this.now() - txn.startedAt > this.timeoutMs) {
      this.end(txn.id)
      throw transactionNotExist()
    }
    return txn
  }

  /** The open transaction for one of its document operations; its first operation takes the snapshot. */
  operate(id: unknown): Txn {
    const txn = this.get(id)
    if (!txn.snapshotTaken) {
      txn.snapshotTaken = true
      this.snapshotting.add(txn)
    }
    return txn
  }

  /**
   * Before a transactional write of `key`: conflict when someone changed the document since `txn`'s snapshot, or
   * another open transaction holds an uncommitted write to it. The conflicting transaction is ended.
   */
  claim(txn: Txn, key: string): void {
    // Changed since the snapshot, or written (uncommitted) by another open transaction.
    const writer = this.writers.get(key)
    if (!txn.snapshot.has(key) && (writer === undefined || writer === txn)) return
    this.end(txn.id)
    throw transactionConflict()
  }

  /** Buffer a claimed write (doc null = delete); applied at commit. */
  write(txn: Txn, w: TxnWrite): void {
    const key = docKey(w.collection, w.key)
    txn.writes.set(key, w)
    this.writers.set(key, txn)
  }

  end(id: string): void {
    const txn = this.open.get(id)
    if (!txn) return
    this.open.delete(id)
    this.snapshotting.delete(txn)
    for (const key of txn.writes.keys()) if (this.writers.get(key) === txn) this.writers.delete(key)
  }

  /** Call before any committed write of a document (pre = its current content, null when absent). */
  recordPreImage(key: string, readPre: () => Doc | null): void {
    if (this.snapshotting.size === 0) return
    this.sweep()
    let pre: Doc | null | undefined
    for (const txn of this.snapshotting) {
      if (txn.snapshot.has(key)) continue
      if (pre === undefined) pre = readPre()
      txn.snapshot.set(key, pre)
    }
  }

  private sweep(): void {
    const t = this.now()
    for (const [id, txn] of this.open) if (t - txn.startedAt > this.timeoutMs) this.end(id)
  }
}
