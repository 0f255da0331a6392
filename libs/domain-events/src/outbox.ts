import { asc, gt, gte, lt, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Database, Db } from '@pdn/database';
import { silentLogger, type DomainEvent, type DomainEventsLogger } from './domain-event.js';
import { NOTIFY_CHANNEL_PREFIX, OutboxNotifier } from './outbox-notifier.js';
import { outbox, type OutboxRow } from './tables.js';

// Outbox writers of one schema take turns on this transaction-scoped advisory lock, held until they
// commit: positions (from the bigserial) are thus committed in increasing order, and a consumer that
// has read up to position p will never see a smaller position commit later. Without it, a
// transaction that took position 5 but commits after the one that took 6 would be skipped for ever.
const WRITERS_LOCK = sql`pg_advisory_xact_lock(hashtextextended('pdn:outbox:' || current_schema(), 0))`;

export interface RecordEventOptions {
  /** Version of the payload's shape; default 1. */
  version?: number;
  occurredAt?: Date;
}

/**
 * Writes a domain event to the outbox in the caller's transaction, so the event exists if and only if
 * the change it announces is committed. Call it inside `db.transaction(...)`, preferably last: it
 * serialises the transactions that write events until they commit. Given the database rather than a
 * transaction, it opens one of its own. Listeners are notified at commit.
 */
export async function recordEvent<TPayload extends Record<string, unknown>, TSchema extends Record<string, unknown>>(
  executor: Db<TSchema>,
  type: string,
  payload: TPayload,
  options: RecordEventOptions = {},
): Promise<DomainEvent<TPayload>> {
  const [event] = await recordEvents(executor, [{ type, payload, ...options }]);
  return event as DomainEvent<TPayload>;
}

/** One event to write with `recordEvents`. */
export interface NewDomainEvent extends RecordEventOptions {
  type: string;
  payload: Record<string, unknown>;
}

/**
 * Like `recordEvent`, for several events at once, in the order given: the same few statements however
 * many there are (one lock, one insert, one notification), for a producer that writes events in bulk.
 */
export async function recordEvents<TSchema extends Record<string, unknown>>(executor: Db<TSchema>, events: NewDomainEvent[]): Promise<DomainEvent[]> {
  if (events.length === 0) return [];
  const db = executor as unknown as Db;
  if (!(db instanceof PgTransaction)) return db.transaction((tx) => recordEvents(tx, events));
  await db.execute(sql`select ${WRITERS_LOCK}`);
  const rows = await db
    .insert(outbox)
    .values(events.map((e) => ({ type: e.type, payload: e.payload, version: e.version ?? 1, ...(e.occurredAt ? { occurredAt: e.occurredAt } : {}) })))
    .returning();
  // A multi-row insert takes its positions in the order of its rows.
  rows.sort((a, b) => a.position - b.position);
  await db.execute(sql`select pg_notify(${NOTIFY_CHANNEL_PREFIX} || current_schema(), ${String(rows.at(-1)!.position)})`);
  return rows.map(toEvent);
}

function toEvent(row: OutboxRow): DomainEvent {
  return { position: row.position, id: row.id, type: row.type, version: row.version, payload: row.payload, occurredAt: row.occurredAt };
}

/** A service's database handle, whatever its schema: `Database<TSchema>` from @pdn/database. */
export interface AnyDatabase {
  kind: Database['kind'];
  db: object;
}

export interface OutboxLogOptions {
  /** The producing service ('members'): named in the log's answers, so a consumer can check it asks the right one. */
  producer: string;
  database: AnyDatabase;
  /** Rows older than this are purged by `purge()`; default 30 days. */
  retentionDays?: number;
  /**
   * While a reader waits, the outbox is read again at least this often even without a notification
   * (a listening connection being re-established, a notification lost); default 1000 ms.
   */
  recheckMs?: number;
  /** Turns LISTEN/NOTIFY off: waiting readers then rely on `recheckMs` alone. */
  listen?: boolean;
  logger?: DomainEventsLogger;
}

export const DEFAULT_OUTBOX_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * A producer's outbox read as an ordered log: what `GET /events` serves. `waitForEvents` is the
 * long poll: it answers as soon as an event after the given position is committed (LISTEN/NOTIFY,
 * on PGlite and on a server alike), or empty when the wait is over.
 */
export class OutboxLog {
  readonly producer: string;
  private readonly db: Db;
  private readonly notifier: OutboxNotifier;
  private readonly retentionDays: number;
  private readonly recheckMs: number;
  private readonly closing = new AbortController();

  constructor(options: OutboxLogOptions) {
    this.producer = options.producer;
    const database = options.database as Database;
    this.db = database.db;
    this.retentionDays = options.retentionDays ?? DEFAULT_OUTBOX_RETENTION_DAYS;
    this.recheckMs = options.recheckMs ?? 1000;
    this.notifier = new OutboxNotifier(database, options.logger ?? silentLogger, options.listen ?? true);
  }

  /** Starts listening for new events; waits work without it, at `recheckMs` pace. */
  start(): Promise<void> {
    return this.notifier.start();
  }

  /** Ends every wait in progress (they answer what they have) and stops listening. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.notifier.close();
  }

  async read(after: number, limit: number): Promise<DomainEvent[]> {
    const rows = await this.db.select().from(outbox).where(gt(outbox.position, after)).orderBy(asc(outbox.position)).limit(limit);
    return rows.map(toEvent);
  }

  /**
   * The position to read after so as to start with the events that occurred at `since` or later (a
   * reader that needs only the recent past, such as the gateway at boot): just before the first of
   * them, or the end of the log when there is none. Events are ordered by position, not by time: a
   * few older ones may follow, never a newer one be skipped.
   */
  async startAfter(since: Date): Promise<number> {
    const [first] = await this.db
      .select({ position: sql<number | string | null>`min(${outbox.position})` })
      .from(outbox)
      .where(gte(outbox.occurredAt, since));
    if (first?.position != null) return Number(first.position) - 1;
    const [last] = await this.db.select({ position: sql<number | string | null>`max(${outbox.position})` }).from(outbox);
    return last?.position != null ? Number(last.position) : 0;
  }

  /** Like `read`, but when nothing follows `after` yet, waits up to `waitMs` for something to. */
  async waitForEvents(after: number, limit: number, waitMs: number, signal?: AbortSignal): Promise<DomainEvent[]> {
    const deadline = Date.now() + waitMs;
    const stop = signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
    for (;;) {
      // Subscribed before reading: an event committed between the read and the wait still wakes us.
      const notified = this.notifier.next();
      const events = await this.read(after, limit);
      const left = deadline - Date.now();
      if (events.length > 0 || left <= 0 || stop.aborted) {
        notified.cancel();
        return events;
      }
      await notified.within(Math.min(left, this.recheckMs), stop);
    }
  }

  /** Deletes the events older than the retention period; returns how many. */
  async purge(now: Date = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.retentionDays * DAY_MS);
    const deleted = await this.db.delete(outbox).where(lt(outbox.occurredAt, before)).returning({ position: outbox.position });
    return deleted.length;
  }
}
