import { randomBytes } from 'node:crypto';

/** The W3C Trace Context header that carries a trace from one service to the next. */
export const TRACEPARENT_HEADER = 'traceparent';

/** One position in a distributed trace: the trace, the span (W3C "parent id") and the trace flags. */
export interface TraceContext {
  /** 32 lowercase hex digits, never all zeros. */
  traceId: string;
  /** 16 lowercase hex digits, never all zeros. */
  spanId: string;
  /** 2 lowercase hex digits (01: sampled). */
  flags: string;
}

// Version 00 has exactly four fields; a later version may append fields after the flags (W3C §3.2.4).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZEROS = /^0+$/;

/**
 * The trace context of a `traceparent` header, or undefined when it is absent or invalid (bad shape,
 * version ff, all-zero trace or parent id, or extra fields on version 00): the caller then starts a new trace.
 */
export function parseTraceparent(header: string | string[] | undefined): TraceContext | undefined {
  const value = Array.isArray(header) ? (header.length === 1 ? header[0] : undefined) : header;
  if (!value || value.length > 512) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ZEROS.test(traceId) || ZEROS.test(spanId)) return undefined;
  return { traceId, spanId, flags };
}

function randomHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!ZEROS.test(hex)) return hex;
  }
}

/** A new trace, sampled. */
export function newTrace(): TraceContext {
  return { traceId: randomHex(16), spanId: randomHex(8), flags: '01' };
}

/** A span inside the same trace, for a call made on behalf of `parent`. */
export function childOf(parent: TraceContext): TraceContext {
  return { traceId: parent.traceId, spanId: randomHex(8), flags: parent.flags };
}

/** The `traceparent` header value (version 00) of a trace context. */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}
