import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Database } from '@pdn/database';
import type { DomainEventsLogger } from './domain-event.js';

/** The NOTIFY channel that announces new events in the outbox of a schema: this prefix and the schema. */
export const NOTIFY_CHANNEL_PREFIX = 'pdn_outbox_';

/** A wake-up registered before a read, so that nothing committed after the read is missed. */
export interface PendingNotification {
  /** Resolves on the next notification, after `ms`, or when `signal` aborts, whichever comes first. */
  within(ms: number, signal: AbortSignal): Promise<void>;
  cancel(): void;
}

const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30_000;

/**
 * LISTENs to the outbox's NOTIFY channel and wakes the readers waiting for new events. On PGlite the
 * engine's own `listen`; on a server one dedicated connection (a pooled one would be handed to other
 * queries), re-established with backoff when it drops. Readers never depend on it alone: they also
 * read again every `recheckMs`.
 */
export class OutboxNotifier {
  private readonly waiters = new Set<() => void>();
  private stopListening: (() => Promise<void>) | undefined;
  private client: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelay = RECONNECT_MIN_MS;
  private channel: string | undefined;
  private closed = false;

  constructor(
    private readonly database: Database,
    private readonly logger: DomainEventsLogger,
    private readonly enabled: boolean,
  ) {}

  async start(): Promise<void> {
    if (!this.enabled || this.closed) return;
    const result = (await this.database.db.execute(sql`select current_schema() as schema`)) as unknown as { rows: { schema: string }[] };
    const schema = result.rows[0]?.schema;
    this.channel = `${NOTIFY_CHANNEL_PREFIX}${schema ?? 'public'}`;
    if (this.database.kind === 'pglite') {
      const client = (this.database.db as unknown as { $client: PGlite }).$client;
      this.stopListening = await client.listen(`"${this.channel}"`, () => this.wake());
    } else {
      await this.connect();
    }
  }

  next(): PendingNotification {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    this.waiters.add(wake);
    const cancel = () => {
      this.waiters.delete(wake);
      wake();
    };
    return {
      cancel,
      within: async (ms, signal) => {
        const timer = setTimeout(cancel, ms);
        const onAbort = () => cancel();
        signal.addEventListener('abort', onAbort, { once: true });
        if (signal.aborted) cancel();
        try {
          await woken;
        } finally {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          this.waiters.delete(wake);
        }
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.wake();
    const stop = this.stopListening;
    this.stopListening = undefined;
    await stop?.().catch(() => {});
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  private async connect(): Promise<void> {
    const pool = (this.database.db as unknown as { $client: pg.Pool }).$client;
    const client = new pg.Client({ ...pool.options, application_name: 'pdn-outbox-listener' });
    this.client = client;
    client.on('notification', () => this.wake());
    const lost = (error?: Error) => {
      if (this.client !== client || this.closed) return;
      this.client = undefined;
      this.logger.warn({ err: error, channel: this.channel }, 'outbox listening connection lost; readers poll until it is back');
      client.end().catch(() => {});
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`listen "${this.channel}"`);
      this.reconnectDelay = RECONNECT_MIN_MS;
      // Whatever was committed while no one listened is picked up by the readers' next read.
      this.wake();
    } catch (error) {
      lost(error as Error);
    }
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(RECONNECT_MAX_MS, delay * 2);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
    this.reconnectTimer.unref();
  }
}
