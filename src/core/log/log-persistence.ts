import type { LogEntry, SessionEvent } from '../session/events'
import { redactSecrets } from '../session/endpoint'

/**
 * Keeping the log across reloads (opt-in): the entries go to IndexedDB in batches, bounded exactly like the ring
 * buffer they mirror (whatever the buffer has dropped is deleted from the store), and come back marked as restored.
 * This file holds the pure parts (what is written, when, and what is read back) and a small IndexedDB adapter.
 */

/**
 * A stored entry: the log entry as exported, URLs inside it redacted, and the tab that kept it. Readers ignore fields
 * they do not know.
 */
export type StoredEntry = LogEntry & { keptInTab?: string }

/**
 * Who keeps the entries: connection ids (`source`) are one tab's (a reload keeps them, another tab has its own), so
 * each entry is kept with its tab and its connection's name, which is what another tab can show.
 */
export interface KeptBy {
  tab: string
  nameOf: (source: string) => string | undefined
}

const URL_IN_TEXT = /\b(?:wss?|https?):\/\/[^\s'"<>]+/gi

/**
 * The copy that may be stored: URLs (in `url`, and inside messages such as a refused-socket error) with credential
 * parameters masked. Entries never hold credentials otherwise: keys live only in memory, in the credentials store.
 */
export function storable(entry: LogEntry, keptBy?: KeptBy): StoredEntry {
  const copy: StoredEntry = { ...entry }
  delete copy.restored
  if (keptBy) {
    copy.keptInTab = keptBy.tab
    // The connection's name now, when this tab knows it; else the one the entry came with (a file's, another tab's).
    const name = copy.source === undefined ? undefined : keptBy.nameOf(copy.source)
    if (name !== undefined) copy.connectionName = name
  }
  if (typeof copy.url === 'string') copy.url = redactSecrets(copy.url)
  if (typeof copy.message === 'string') copy.message = copy.message.replace(URL_IN_TEXT, (u) => redactSecrets(u))
  if (typeof copy.reason === 'string') copy.reason = copy.reason.replace(URL_IN_TEXT, (u) => redactSecrets(u))
  return copy
}

/**
 * Reads back what a store held, oldest first, skipping records that are not log entries; each marked restored. Entries
 * another tab kept lose their connection id, which here would name another connection (or none: "#2"), and show the
 * connection's name they were kept with instead, as an opened file's do.
 */
export function restorable(records: readonly unknown[], tab?: string): SessionEvent[] {
  const out: SessionEvent[] = []
  for (const record of records) {
    if (!isEntryLike(record)) continue
    const { seq: _seq, keptInTab, ...rest } = record as StoredEntry
    void _seq
    if (keptInTab !== undefined && keptInTab !== tab && rest.connectionName !== undefined) delete rest.source
    out.push({ ...rest, restored: true } as SessionEvent)
  }
  return out
}

function isEntryLike(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.kind === 'string' &&
    typeof v.at === 'number' &&
    Number.isFinite(v.at) &&
    (v.direction === 'in' || v.direction === 'out' || v.direction === 'none') &&
    (v.data === undefined || typeof v.data === 'string')
  )
}

/** A batch to write: entries to put (by seq) and the seq below which everything goes, as in the ring buffer. */
export interface WriteBatch {
  puts: StoredEntry[]
  deleteBelow: number
}

/**
 * Entries waiting to be written, by seq (a later change to an entry, such as a completed CLOSING, replaces the
 * queued one). Bounded: it never holds more than the ring buffer can, and entries the buffer has dropped are
 * left out of the batch.
 */
export class WriteQueue {
  private pending = new Map<number, LogEntry>()

  constructor(private maxEntries: number) {}

  get size(): number {
    return this.pending.size
  }

  setLimit(maxEntries: number): void {
    this.maxEntries = maxEntries
    this.trim()
  }

  add(entry: LogEntry): void {
    this.pending.delete(entry.seq)
    this.pending.set(entry.seq, entry)
    this.trim()
  }

  /** Takes everything queued that the buffer still holds (seq ≥ firstSeq), oldest first. */
  take(firstSeq: number, keptBy?: KeptBy): WriteBatch {
    const puts: StoredEntry[] = []
    for (const entry of [...this.pending.values()].sort((a, b) => a.seq - b.seq))
      if (entry.seq >= firstSeq) puts.push(storable(entry, keptBy))
    this.pending.clear()
    return { puts, deleteBelow: firstSeq }
  }

  clear(): void {
    this.pending.clear()
  }

  private trim(): void {
    // Map order is insertion order; the oldest queued go first, as the ring buffer would drop them.
    while (this.pending.size > this.maxEntries) this.pending.delete(this.pending.keys().next().value!)
  }
}

/** Where the entries are kept: IndexedDB in the page, anything with these calls in a test. */
export interface LogStorage {
  readAll(): Promise<unknown[]>
  write(batch: WriteBatch): Promise<void>
  /** Replaces everything with these entries (after a restore, which numbers them afresh). */
  replaceAll(entries: StoredEntry[]): Promise<void>
  clear(): Promise<void>
}

const DB_NAME = 'apigw-playground-log'
const STORE = 'entries'

/** IndexedDB behind LogStorage: one object store keyed by seq. Every failure rejects with a readable Error. */
export class IndexedDbLogStorage implements LogStorage {
  private db: Promise<IDBDatabase> | undefined

  constructor(private readonly factory: IDBFactory = indexedDB) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = this.factory.open(DB_NAME, 1)
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE))
          request.result.createObjectStore(STORE, { keyPath: 'seq' })
      }
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(describe(request.error, 'open the log database'))
      request.onblocked = () => reject(new Error('The log database is in use by another tab.'))
    }).catch((e: unknown) => {
      this.db = undefined
      throw e
    })
    return this.db
  }

  async readAll(): Promise<unknown[]> {
    const db = await this.open()
    return new Promise((resolve, reject) => {
      const request = db.transaction(STORE, 'readonly').objectStore(STORE).getAll()
      request.onsuccess = () => resolve(request.result as unknown[])
      request.onerror = () => reject(describe(request.error, 'read the kept log'))
    })
  }

  write(batch: WriteBatch): Promise<void> {
    return this.transact('write the log', (store) => {
      if (batch.deleteBelow > 0) store.delete(IDBKeyRange.upperBound(batch.deleteBelow, true))
      for (const entry of batch.puts) store.put(entry)
    })
  }

  replaceAll(entries: StoredEntry[]): Promise<void> {
    return this.transact('write the log', (store) => {
      store.clear()
      for (const entry of entries) store.put(entry)
    })
  }

  clear(): Promise<void> {
    return this.transact('clear the kept log', (store) => store.clear())
  }

  private async transact(what: string, work: (store: IDBObjectStore) => void): Promise<void> {
    const db = await this.open()
    await new Promise<void>((resolve, reject) => {
      let tx: IDBTransaction
      try {
        tx = db.transaction(STORE, 'readwrite')
        work(tx.objectStore(STORE))
      } catch (e) {
        reject(describe(e, what))
        return
      }
      tx.oncomplete = () => resolve()
      tx.onabort = () => reject(describe(tx.error, what))
      tx.onerror = () => reject(describe(tx.error, what))
    })
  }
}

function describe(error: unknown, what: string): Error {
  const name = error instanceof DOMException || error instanceof Error ? error.name : ''
  if (name === 'QuotaExceededError')
    return new Error(`The browser's storage quota is full, so the page could not ${what}.`)
  const message = error instanceof Error ? error.message : error ? String(error) : 'no reason given'
  return new Error(`The page could not ${what}: ${message}`)
}
