import { setTimeout as sleep } from 'node:timers/promises';
import { eq, lt } from 'drizzle-orm';
import type { Db } from '@pdn/database';
import { histogram } from '@pdn/logging/metrics';
import { silentLogger, type DomainEvent, type DomainEventsLogger } from './domain-event.js';
import type { EventSource } from './event-source.js';
import { domainEventCursors, processedDomainEvents } from './tables.js';

/** How long after start an unreachable producer is logged as awaited rather than as a warning. */
const STARTUP_GRACE_MS = 30_000;

/**
 * Applies one event inside the consumer's transaction: everything it writes commits together with
 * the record that the event was applied and the cursor's advance, or not at all.
 */
export type DomainEventHandler<TSchema extends Record<string, unknown> = Record<string, unknown>> = (
  event: DomainEvent,
  tx: Db<TSchema>,
) => Promise<void>;

/**
 * Applies several events of one type inside one transaction of the consumer (in log order, none of them
 * applied before, each recorded as processed in the same transaction): what a handler writing one row
 * per event can write with one multi-row statement. It must write the same as the events one by one.
 */
export type DomainEventBatchHandler<TSchema extends Record<string, unknown> = Record<string, unknown>> = (
  events: DomainEvent[],
  tx: Db<TSchema>,
) => Promise<void>;

export interface EventConsumerOptions<TSchema extends Record<string, unknown>> {
  /** The consuming service, for log lines ('calendar'). */
  consumer: string;
  /** The consumer's own database (its cursor and processed-event tables are there). */
  db: Db<TSchema>;
  source: EventSource;
  /** By event type; events of other types are passed over. */
  handlers: Record<string, DomainEventHandler<TSchema>>;
  /**
   * By event type, handlers that apply a run of events at once. A page of events of these types (and
   * of types with no handler) is applied in one transaction: one lock of the cursor, one insert of the
   * processed ids, the handler's statements, one advance of the cursor. Should that transaction fail,
   * its events are applied one by one (with `handlers[type]`, or this handler given one event), so a
   * failing event holds up only itself and those after it, as without batches.
   */
  batchHandlers?: Record<string, DomainEventBatchHandler<TSchema>>;
  logger?: DomainEventsLogger;
  /** Events asked for at a time; default 100. */
  batchSize?: number;
  /** Long poll asked of the producer; default 20 s. */
  waitSeconds?: number;
  /** Pause between polls that brought nothing back quicker than this; default 1000 ms. */
  idleMs?: number;
  /** First retry delay after a failure, doubled at each failure in a row; default 500 ms. */
  minBackoffMs?: number;
  /** Longest retry delay; default 30 s. */
  maxBackoffMs?: number;
  /** Processed-event records older than this are purged; default 90 days (well past the outbox's retention). */
  processedRetentionDays?: number;
}

export type EventOutcome = 'applied' | 'duplicate' | 'ignored' | 'skipped';

export interface PollResult {
  fetched: number;
  outcomes: EventOutcome[];
}

const PURGE_EVERY_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Delay before retry number `failures` (1, 2, …): exponential, capped, with ±20 % jitter. */
export function backoffDelay(failures: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, minMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return Math.round(Math.min(maxMs, exponential * (0.8 + 0.4 * random())));
}

/**
 * Follows one producer's log and applies its events to this service's database, at least once and
 * idempotently:
 *  - each event is applied in one transaction that also records its id (`processed_domain_events`)
 *    and advances the cursor (`domain_event_cursors`): a crash anywhere leaves either all of it or
 *    none, and an event delivered again is recognised by its id;
 *  - that transaction first takes the cursor row FOR UPDATE and passes over an event the cursor has
 *    already passed, so replicas of the consumer reading the same log never apply an event twice;
 *  - with a batch handler for their type (`batchHandlers`), the events of a page are applied together,
 *    with the same guarantees, in one such transaction; should it fail, one by one as above;
 *  - the producer unreachable or a handler failing: the same event is tried again with exponential
 *    backoff, for ever, and the events after it wait (the log's order is kept). Nothing is thrown
 *    out of the loop: the service keeps serving.
 */
/** How long after it occurred an event was applied here: the consumer's lag behind its producer. */
const applyDelay = histogram({
  name: 'pdn_domain_event_lag_seconds',
  help: 'Seconds between a domain event occurring and a consumer applying it, by consumer and producer',
  labelNames: ['consumer', 'producer'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
});

export class EventConsumer<TSchema extends Record<string, unknown>> {
  private readonly db: Db;
  private readonly logger: DomainEventsLogger;
  private readonly producer: string;
  private loop: Promise<void> | undefined;
  private stopping = new AbortController();
  private failures = 0;
  private lastPurge = Date.now();
  /**
   * The cursor as this consumer last saw it. Polls start from it, so a producer that cannot be reached
   * costs no query to the database; another replica having moved the cursor further is noticed when
   * an event is applied (the row is locked and read then).
   */
  private known: number | undefined;

  constructor(private readonly options: EventConsumerOptions<TSchema>) {
    this.db = options.db as unknown as Db;
    this.logger = options.logger ?? silentLogger;
    this.producer = options.source.producer;
  }

  /** Starts following the log in the background (call `prepare` first to read the cursor at once). */
  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    this.loop = this.run(this.stopping.signal);
  }

  /** Stops after the event being applied (if any) is committed or rolled back. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** The last position applied (0 before the first), as stored. */
  async position(): Promise<number> {
    const [row] = await this.db.select({ position: domainEventCursors.position }).from(domainEventCursors).where(eq(domainEventCursors.producer, this.producer));
    return row?.position ?? 0;
  }

  /** Creates the cursor if need be and reads it; `start` and the first poll do it. */
  async prepare(): Promise<void> {
    await this.db.insert(domainEventCursors).values({ producer: this.producer, position: 0 }).onConflictDoNothing();
    this.known = await this.position();
  }

  /**
   * One poll: reads what follows the cursor (waiting up to `waitSeconds`) and applies it in order.
   * Throws on the first failure, with what came before it committed.
   */
  async pollOnce(options: { waitSeconds?: number; signal?: AbortSignal } = {}): Promise<PollResult> {
    if (this.known === undefined) await this.prepare();
    const events = await this.options.source.fetch(this.known!, {
      limit: this.options.batchSize ?? 100,
      waitSeconds: options.waitSeconds ?? 0,
      signal: options.signal,
    });
    const outcomes: EventOutcome[] = [];
    let next = 0;
    while (next < events.length) {
      if (options.signal?.aborted) break;
      const event = events[next]!;
      // Already passed by another replica, as the last applied event showed: no need to lock for it.
      if (event.position <= this.known!) {
        outcomes.push('skipped');
        next += 1;
        continue;
      }
      let end = next;
      while (end < events.length && this.batchable(events[end]!)) end += 1;
      if (end - next > 1) {
        outcomes.push(...(await this.applyBatch(events.slice(next, end), options.signal)));
        next = end;
      } else {
        outcomes.push(await this.apply(event));
        next += 1;
      }
    }
    return { fetched: events.length, outcomes };
  }

  /** Whether an event can be applied with others in one transaction: a batch handler, or no handler at all. */
  private batchable(event: DomainEvent): boolean {
    const batchHandlers = this.options.batchHandlers;
    if (!batchHandlers) return false;
    return Object.hasOwn(batchHandlers, event.type) || !Object.hasOwn(this.options.handlers, event.type);
  }

  private hasHandler(type: string): boolean {
    return Object.hasOwn(this.options.handlers, type) || (this.options.batchHandlers !== undefined && Object.hasOwn(this.options.batchHandlers, type));
  }

  /**
   * Applies a run of batchable events (increasing positions) in one transaction, with the guarantees of
   * `apply`: the cursor row locked first and the events it has passed skipped, the ids recorded (an id
   * recorded before, or twice in the run, is a duplicate and not applied), the cursor advanced to the
   * last event, all committed together. A failure rolls it all back and the events are applied one by
   * one instead; the first that fails then throws, as it would have without batches.
   */
  private async applyBatch(run: DomainEvent[], signal: AbortSignal | undefined): Promise<EventOutcome[]> {
    let result: { outcomes: EventOutcome[]; cursor: number };
    try {
      result = await this.db.transaction(async (tx) => {
        const [cursor] = await tx
          .select({ position: domainEventCursors.position })
          .from(domainEventCursors)
          .where(eq(domainEventCursors.producer, this.producer))
          .for('update');
        const passed = cursor?.position ?? 0;
        const outcomes: EventOutcome[] = run.map((event) => (event.position <= passed ? 'skipped' : this.hasHandler(event.type) ? 'duplicate' : 'ignored'));
        const fresh = run.filter((event) => event.position > passed);
        if (fresh.length === 0) return { outcomes, cursor: passed };

        // The first occurrence of each id in the run is recorded; a later one is a duplicate.
        const first = new Map<string, number>();
        run.forEach((event, index) => {
          if (outcomes[index] === 'duplicate' && !first.has(event.id.toLowerCase())) first.set(event.id.toLowerCase(), index);
        });
        if (first.size > 0) {
          const recorded = await tx
            .insert(processedDomainEvents)
            .values([...first.values()].map((index) => ({ eventId: run[index]!.id, producer: this.producer, type: run[index]!.type, position: run[index]!.position })))
            .onConflictDoNothing()
            .returning({ eventId: processedDomainEvents.eventId });
          for (const { eventId } of recorded) outcomes[first.get(eventId.toLowerCase())!] = 'applied';
        }

        // The applied events, in order, a run of one type at a time.
        const applied = run.filter((_, index) => outcomes[index] === 'applied');
        for (let start = 0; start < applied.length; ) {
          let end = start + 1;
          while (end < applied.length && applied[end]!.type === applied[start]!.type) end += 1;
          await this.options.batchHandlers![applied[start]!.type]!(applied.slice(start, end), tx as unknown as Db<TSchema>);
          start = end;
        }

        const last = fresh.at(-1)!.position;
        await tx.update(domainEventCursors).set({ position: last, updatedAt: new Date() }).where(eq(domainEventCursors.producer, this.producer));
        return { outcomes, cursor: last };
      });
    } catch (error) {
      this.logger.warn(
        { consumer: this.options.consumer, producer: this.producer, err: error, events: run.length, from: run[0]!.position, to: run.at(-1)!.position },
        'applying a batch of domain events failed; applying them one by one',
      );
      const outcomes: EventOutcome[] = [];
      for (const event of run) {
        if (signal?.aborted) break;
        outcomes.push(event.position <= this.known! ? 'skipped' : await this.apply(event));
      }
      return outcomes;
    }
    this.known = result.cursor;
    run.forEach((event, index) => this.observe(event, result.outcomes[index]!));
    return result.outcomes;
  }

  /** The lag metric and the log line of an event handled. */
  private observe(event: DomainEvent, outcome: EventOutcome): void {
    if (outcome === 'applied' || outcome === 'ignored') {
      applyDelay.observe({ consumer: this.options.consumer, producer: this.producer }, Math.max(0, (Date.now() - event.occurredAt.getTime()) / 1000));
    }
    const log = { consumer: this.options.consumer, producer: this.producer, eventId: event.id, type: event.type, position: event.position, outcome };
    if (outcome === 'applied' || outcome === 'duplicate') this.logger.info(log, `domain event ${outcome}`);
    else this.logger.debug(log, `domain event ${outcome}`);
  }

  private async apply(event: DomainEvent): Promise<EventOutcome> {
    const batchHandler = this.options.batchHandlers?.[event.type];
    const handler: DomainEventHandler<TSchema> | undefined = Object.hasOwn(this.options.handlers, event.type)
      ? this.options.handlers[event.type]
      : batchHandler && Object.hasOwn(this.options.batchHandlers!, event.type)
        ? (one, tx) => batchHandler([one], tx)
        : undefined;
    try {
      const outcome = await this.db.transaction(async (tx): Promise<EventOutcome> => {
        const [cursor] = await tx
          .select({ position: domainEventCursors.position })
          .from(domainEventCursors)
          .where(eq(domainEventCursors.producer, this.producer))
          .for('update');
        if (cursor && cursor.position >= event.position) {
          this.known = cursor.position;
          return 'skipped';
        }
        let outcome: EventOutcome = 'ignored';
        if (handler) {
          const recorded = await tx
            .insert(processedDomainEvents)
            .values({ eventId: event.id, producer: this.producer, type: event.type, position: event.position })
            .onConflictDoNothing()
            .returning({ eventId: processedDomainEvents.eventId });
          if (recorded.length === 0) {
            outcome = 'duplicate';
          } else {
            await handler(event, tx as unknown as Db<TSchema>);
            outcome = 'applied';
          }
        }
        await tx
          .update(domainEventCursors)
          .set({ position: event.position, updatedAt: new Date() })
          .where(eq(domainEventCursors.producer, this.producer));
        return outcome;
      });
      if (outcome !== 'skipped') this.known = event.position;
      this.observe(event, outcome);
      return outcome;
    } catch (error) {
      throw new HandlerError(event, error);
    }
  }

  /** When this consumer started, and whether it has read its producer's log once since. */
  private readonly startedAt = Date.now();
  private hasRead = false;

  private async run(signal: AbortSignal): Promise<void> {
    const waitSeconds = this.options.waitSeconds ?? 20;
    const idleMs = this.options.idleMs ?? 1000;
    while (!signal.aborted) {
      const started = Date.now();
      try {
        const { fetched } = await this.pollOnce({ waitSeconds, signal });
        this.hasRead = true;
        if (this.failures > 0) this.logger.info({ consumer: this.options.consumer, producer: this.producer }, 'domain events flowing again');
        this.failures = 0;
        await this.purgeProcessed();
        const elapsed = Date.now() - started;
        if (fetched === 0 && elapsed < idleMs) await this.pause(idleMs - elapsed, signal);
      } catch (error) {
        if (signal.aborted) break;
        this.failures += 1;
        const delay = backoffDelay(this.failures, this.options.minBackoffMs ?? 500, this.options.maxBackoffMs ?? 30_000);
        const context = { consumer: this.options.consumer, producer: this.producer, failures: this.failures, retryInMs: delay };
        if (error instanceof HandlerError) {
          this.logger.error({ ...context, err: error.cause, eventId: error.event.id, type: error.event.type, position: error.event.position }, 'applying a domain event failed; retrying');
        } else if (!this.hasRead && Date.now() - this.startedAt < STARTUP_GRACE_MS) {
          // Processes start in any order: a producer not listening yet is expected, not a warning.
          this.logger.info({ ...context, reason: (error as Error).message }, 'waiting for the producer of domain events to start');
        } else {
          this.logger.warn({ ...context, err: error }, 'domain events could not be read; retrying');
        }
        await this.pause(delay, signal);
      }
    }
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    await sleep(ms, undefined, { signal, ref: false }).catch(() => {});
  }

  private async purgeProcessed(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    const before = new Date(now - (this.options.processedRetentionDays ?? 90) * DAY_MS);
    await this.db.delete(processedDomainEvents).where(lt(processedDomainEvents.processedAt, before));
  }
}

class HandlerError extends Error {
  constructor(
    readonly event: DomainEvent,
    cause: unknown,
  ) {
    super(`Applying ${event.type} ${event.id} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'HandlerError';
  }
}
