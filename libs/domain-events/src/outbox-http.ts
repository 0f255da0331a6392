import type { Request, Response } from 'express';
import { silentLogger, toWire, type DomainEventsLogger, type EventLogPage } from './domain-event.js';
import type { OutboxLog } from './outbox.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;
/** Longest long poll a consumer may ask for; proxies commonly cut idle requests at 60 s. */
export const MAX_WAIT_SECONDS = 30;

type Parsed = { ok: true; value: number } | { ok: false; message: string };

function integerParameter(req: Request, name: string, fallback: number, min: number, max: number): Parsed {
  const raw = req.query[name];
  if (raw === undefined) return { ok: true, value: fallback };
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw)) return { ok: false, message: `${name} must be a whole number` };
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) return { ok: false, message: `${name} must be between ${min} and ${max}` };
  return { ok: true, value };
}

/** `since`: an ISO 8601 instant with a time zone, e.g. 2026-03-02T09:00:00.000Z. */
function instantParameter(req: Request, name: string): { ok: true; value?: Date } | { ok: false; message: string } {
  const raw = req.query[name];
  if (raw === undefined) return { ok: true };
  const value = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(raw) ? new Date(raw) : undefined;
  if (!value || Number.isNaN(value.getTime())) return { ok: false, message: `${name} must be an ISO 8601 instant such as 2026-03-02T09:00:00Z` };
  return { ok: true, value };
}

/**
 * `GET /events?after=<position>&limit=<n>&wait=<seconds>`: the events after `after`, oldest first, at
 * most `limit` (default 100, at most 500). With `wait`, an empty answer is held until an event is
 * committed or the seconds are over (at most 30). With `since=<ISO instant>`, the log starts at the
 * first event that occurred then or later (`OutboxLog.startAfter`): a reader that needs only the
 * recent past skips the rest. Answers `{ producer, events }`. Mount it behind
 * `requireSignedIdentity`: only the gateway's peers may read another subgraph's events.
 */
export function outboxRequestHandler(log: OutboxLog, logger: DomainEventsLogger = silentLogger) {
  return (req: Request, res: Response): void => {
    const after = integerParameter(req, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = integerParameter(req, 'limit', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    const wait = integerParameter(req, 'wait', 0, 0, MAX_WAIT_SECONDS);
    for (const [field, parsed] of [['after', after], ['limit', limit], ['wait', wait]] as const) {
      if (!parsed.ok) {
        res.status(400).json({ errors: [{ message: parsed.message, extensions: { code: 'BAD_USER_INPUT', field } }] });
        return;
      }
    }
    if (!after.ok || !limit.ok || !wait.ok) return;
    const since = instantParameter(req, 'since');
    if (!since.ok) {
      res.status(400).json({ errors: [{ message: since.message, extensions: { code: 'BAD_USER_INPUT', field: 'since' } }] });
      return;
    }
    // A consumer that goes away (shutdown, timeout) ends its wait here too.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    res.setHeader('Cache-Control', 'no-store');
    const from = since.value ? log.startAfter(since.value).then((start) => Math.max(after.value, start)) : Promise.resolve(after.value);
    from
      .then((position) => log.waitForEvents(position, limit.value, wait.value * 1000, gone.signal))
      .then((events) => {
        if (res.writableEnded || res.destroyed) return;
        const page: EventLogPage = { producer: log.producer, events: events.map(toWire) };
        res.json(page);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'reading the outbox failed');
        if (!res.headersSent) {
          res.status(503).json({ errors: [{ message: 'The event log is unavailable right now.', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
        }
      });
  };
}
