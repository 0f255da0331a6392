import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, verifyIdentity } from '@pdn/identity';
import { toWire, type DomainEvent, type EventLogPage } from './domain-event.js';

/**
 * Resolves with the first value of `check` that is not undefined, trying every `everyMs`; rejects with
 * `what` and the last error once `timeoutMs` has passed. For effects that happen in the background
 * (a consumer catching up), never for asserting how long something took.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  { timeoutMs = 20_000, everyMs = 100 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Still waiting after ${timeoutMs} ms for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    }
    await sleep(everyMs);
  }
}

export interface ScriptedEventLog {
  /** The log's `GET /events` URL. */
  url: string;
  /** Appends an event at the next position (an `id` may be given again, to redeliver an event). */
  push(event: { type: string; payload: Record<string, unknown>; id?: string; version?: number; occurredAt?: Date }): DomainEvent;
  /** Requests answered so far. */
  readonly served: number;
  close(): Promise<void>;
}

/**
 * A producer's `GET /events` whose events a test writes itself, over real HTTP and with the same
 * signature check: for a consumer's specs, where running the producing subgraph is the end-to-end
 * tests' job. Answers at once (no long poll).
 */
export async function startScriptedEventLog(producer: string, identitySigningKey: string): Promise<ScriptedEventLog> {
  const events: DomainEvent[] = [];
  let served = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const identity = verifyIdentity(header(req.headers[IDENTITY_HEADER]), header(req.headers[IDENTITY_SIGNATURE_HEADER]), identitySigningKey);
    if (url.pathname !== '/events' || !identity.ok) {
      res.writeHead(identity.ok ? 404 : 401).end();
      return;
    }
    served += 1;
    const after = Number(url.searchParams.get('after') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    // `since`: from the first event that occurred then or later, as OutboxLog.startAfter.
    const since = url.searchParams.get('since');
    const first = since ? events.find((e) => e.occurredAt >= new Date(since)) : undefined;
    const from = since ? Math.max(after, first ? first.position - 1 : (events.at(-1)?.position ?? 0)) : after;
    const page: EventLogPage = { producer, events: events.filter((e) => e.position > from).slice(0, limit).map(toWire) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    push(event) {
      const position = (events.at(-1)?.position ?? 0) + 1;
      const pushed: DomainEvent = {
        position,
        id: event.id ?? randomUUID(),
        type: event.type,
        version: event.version ?? 1,
        payload: event.payload,
        occurredAt: event.occurredAt ?? new Date(),
      };
      events.push(pushed);
      return pushed;
    },
    get served() {
      return served;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
