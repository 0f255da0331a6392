import { randomUUID } from 'node:crypto';
import { pino, stdSerializers, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** One JSON logger per process; secrets never reach the logs (see `redact`). */
export function createLogger(service: string, level: string = 'info', options: LoggerOptions = {}): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'authorization', '*.authorization', 'req.headers.authorization', 'req.headers["x-api-key"]'],
      censor: '[redacted]',
    },
    serializers: { err: withoutQueryParameters },
    ...options,
  });
}

/**
 * Database errors from drizzle carry the statement's parameters (password hashes, tokens, e-mail
 * bodies) in their message and a `params` field: logs keep the SQL and the driver's message, never
 * the values.
 */
export function withoutQueryParameters(error: unknown): Record<string, unknown> {
  const serialized = stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (!serialized || typeof serialized !== 'object') return serialized;
  const scrub = (value: unknown) => (typeof value === 'string' ? value.replace(/\nparams: [\s\S]*$/, '\nparams: [redacted]') : value);
  const { params: _params, ...rest } = serialized;
  return { ...rest, message: scrub(rest['message']), stack: scrub(rest['stack']) };
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The gateway's request id when it is a sane token, else a fresh one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}
