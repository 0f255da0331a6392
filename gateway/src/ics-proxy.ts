import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Request, RequestHandler, Response } from 'express';
import { REQUEST_ID_HEADER } from '@pdn/identity';
import type { Logger } from '@pdn/logging';
import { formatTraceparent, TRACEPARENT_HEADER } from '@pdn/logging/trace-context';
import { type Tracing, TRACING_OFF } from '@pdn/logging/tracing';
import type { SubgraphSettings } from './gateway.config.js';
import { recordOf, startRequestSpan } from './operation-log.js';

/** What a calendar app may usefully send: content negotiation and conditional GET, nothing that identifies anyone. */
const REQUEST_HEADERS = ['accept', 'accept-encoding', 'accept-language', 'if-none-match', 'if-modified-since', 'user-agent'];

/** The answer's status and content headers pass; hop-by-hop headers and anything about the subgraph's internals do not. */
const RESPONSE_HEADERS = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'last-modified',
  'referrer-policy',
  'retry-after',
  'vary',
  'x-robots-tag',
];

function sendText(res: Response, status: number, message: string): void {
  res.status(status).set({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  if (status === 503) res.set('retry-after', '30');
  res.end(`${message}\n`);
}

/** For the log line: the private feed's path holds its secret, so it is never logged. */
function feedKind(path: string): string {
  return path.startsWith('/ics/members/') ? 'member' : path.split('?')[0]!;
}

/**
 * `GET /ics/*` on the gateway's port, answered by the calendar subgraph (same origin as its GraphQL
 * URL, same path): calendar apps subscribe to the feeds where they reach the API. The answer is
 * streamed with its status and content headers. The calendar timeout covers the whole exchange, as
 * for GraphQL; a calendar that is down or too slow gets a 503 in plain text, not a hung client.
 * The request id and the gateway's span (`traceparent`) go to calendar, which logs them too.
 */
export function icsProxy(calendar: SubgraphSettings, logger: Logger, tracing: Tracing = TRACING_OFF): RequestHandler {
  const origin = new URL(calendar.url).origin;
  const request = origin.startsWith('https:') ? httpsRequest : httpRequest;

  return (req: Request, res: Response) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('allow', 'GET, HEAD');
      sendText(res, 405, 'Calendar feeds are read with GET.');
      return;
    }
    // The URL parser resolves `..` and its %2e spellings: only what still lies under /ics/ is forwarded.
    const target = new URL(`${origin}${req.originalUrl}`);
    if (target.origin !== origin || !target.pathname.startsWith('/ics/')) {
      sendText(res, 404, 'Not found.');
      return;
    }
    const requestId = recordOf(res)?.requestId;
    const feed = feedKind(target.pathname);
    const started = process.hrtime.bigint();
    // One span for the proxied request (a SERVER span: the gateway adds nothing between it and calendar's).
    const span = recordOf(res)
      ? startRequestSpan(res, tracing, `${req.method} /ics`, { 'http.request.method': req.method, 'http.route': '/ics', 'pdn.ics.feed': feed })
      : undefined;
    const traceIds = span ? { traceId: span.trace.traceId, spanId: span.trace.spanId } : {};
    res.on('close', () => {
      span?.setAttributes({ 'http.response.status_code': res.statusCode });
      span?.end(res.statusCode >= 500 ? { error: `HTTP ${res.statusCode}` } : {});
    });
    const headers: Record<string, string> = {};
    for (const name of REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    if (span) headers[TRACEPARENT_HEADER] = formatTraceparent(span.trace);
    const signal = AbortSignal.timeout(calendar.timeoutMs);
    const options: RequestOptions = { method: req.method, headers, signal };

    const upstream = request(target, options, (answer: IncomingMessage) => {
      res.status(answer.statusCode ?? 502);
      for (const name of RESPONSE_HEADERS) {
        const value = answer.headers[name];
        if (value !== undefined) res.setHeader(name, value);
      }
      answer.on('error', () => res.destroy());
      answer.on('end', () => {
        logger.info({ requestId, ...traceIds, feed, status: answer.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'calendar feed');
      });
      answer.pipe(res);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.destroyed) return; // the client left first: nobody to answer
      const reason = signal.aborted ? 'timeout' : (error.code ?? error.name);
      logger.warn({ requestId, ...traceIds, feed, reason }, 'calendar unavailable for a feed');
      // Once the answer has begun there is no status left to change: cut it, so the client sees it incomplete.
      if (res.headersSent) res.destroy();
      else sendText(res, 503, 'The calendar service is unavailable; try again later.');
    });
    // A client that goes away stops the upstream request too.
    res.on('close', () => upstream.destroy());
    upstream.end();
  };
}
