import { ANONYMOUS, signIdentity } from '@pdn/identity';
import { fromWire, type DomainEvent, type EventLogPage } from './domain-event.js';
import type { OutboxLog } from './outbox.js';

export interface FetchEventsOptions {
  limit: number;
  /** Long poll: how long the producer may hold an empty answer. */
  waitSeconds: number;
  signal?: AbortSignal;
  /** Only the recent past: the log starts at the first event that occurred at this instant or later. */
  since?: Date;
}

/** Where a consumer reads one producer's log from. */
export interface EventSource {
  readonly producer: string;
  /** The events after `after`, oldest first; throws when the producer cannot be read. */
  fetch(after: number, options: FetchEventsOptions): Promise<DomainEvent[]>;
}

export class EventSourceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventSourceError';
  }
}

export interface HttpEventSourceOptions {
  producer: string;
  /** The producer's `GET /events` URL, e.g. http://127.0.0.1:4001/events */
  url: string;
  /** The key shared by gateway and subgraphs: the producer refuses unsigned requests. */
  identitySigningKey: string;
  /** Added to the long poll's wait before a request is given up; default 10 s. */
  timeoutMarginMs?: number;
}

/** Reads a producer's log over HTTP, signed like the gateway's requests. */
export class HttpEventSource implements EventSource {
  readonly producer: string;

  constructor(private readonly options: HttpEventSourceOptions) {
    this.producer = options.producer;
  }

  async fetch(after: number, { limit, waitSeconds, signal, since }: FetchEventsOptions): Promise<DomainEvent[]> {
    const url = new URL(this.options.url);
    url.searchParams.set('after', String(after));
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('wait', String(waitSeconds));
    if (since) url.searchParams.set('since', since.toISOString());
    const timeout = AbortSignal.timeout(waitSeconds * 1000 + (this.options.timeoutMarginMs ?? 10_000));
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', ...signIdentity(ANONYMOUS, this.options.identitySigningKey) },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new EventSourceError(`${this.producer} events at ${url.origin}${url.pathname} unreachable: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new EventSourceError(`${this.producer} events at ${url.origin}${url.pathname} answered ${response.status}`);
    }
    const page = (await response.json()) as EventLogPage;
    if (page?.producer !== this.producer || !Array.isArray(page.events)) {
      throw new EventSourceError(`${url.origin}${url.pathname} is not the event log of ${this.producer} (it says ${JSON.stringify(page?.producer)})`);
    }
    return page.events.map(fromWire);
  }
}

/** Reads an outbox of the same process directly (one process running several services, tests). */
export class LocalEventSource implements EventSource {
  readonly producer: string;

  constructor(private readonly log: OutboxLog) {
    this.producer = log.producer;
  }

  async fetch(after: number, { limit, waitSeconds, signal, since }: FetchEventsOptions): Promise<DomainEvent[]> {
    const from = since ? Math.max(after, await this.log.startAfter(since)) : after;
    return this.log.waitForEvents(from, limit, waitSeconds * 1000, signal);
  }
}
