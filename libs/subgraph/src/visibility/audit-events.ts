import type { AuditSink, PrivateRead } from './audit.js';

/**
 * How a subgraph other than members hands its private reads to the audit log: one domain event per
 * read, written to its outbox, which members consumes (`privateReadFromPayload`, then its sink's
 * `recordFrom(producer, …)`). Version 1.
 */
export const AUDIT_PRIVATE_READ = 'audit.private-read';
export const AUDIT_PRIVATE_READ_VERSION = 1;

export interface PrivateReadPayload extends Record<string, unknown> {
  actorKind: 'member' | 'partner';
  actorId: string;
  subjectId: string;
  fields: string[];
  operationName: string | null;
  /** ISO 8601. */
  at: string;
  requestId: string | null;
}

export function privateReadPayload(read: PrivateRead): PrivateReadPayload {
  return {
    actorKind: read.actor.kind,
    actorId: read.actor.kind === 'member' ? read.actor.memberId : read.actor.apiKeyId,
    subjectId: read.subjectId,
    fields: read.fields,
    operationName: read.operationName,
    at: read.at.toISOString(),
    requestId: read.requestId,
  };
}

/** The read an event carries; throws on a payload of another shape (the consumer retries it later). */
export function privateReadFromPayload(payload: unknown): PrivateRead {
  const p = (payload ?? {}) as Partial<Record<keyof PrivateReadPayload, unknown>>;
  const text = (value: unknown) => typeof value === 'string' && value.length > 0;
  const optional = (value: unknown) => value === null || value === undefined || typeof value === 'string';
  if (
    (p.actorKind !== 'member' && p.actorKind !== 'partner') ||
    !text(p.actorId) ||
    !text(p.subjectId) ||
    !Array.isArray(p.fields) ||
    !p.fields.every(text) ||
    !optional(p.operationName) ||
    !optional(p.requestId) ||
    typeof p.at !== 'string' ||
    Number.isNaN(Date.parse(p.at))
  ) {
    throw new Error(`Malformed ${AUDIT_PRIVATE_READ} payload: ${JSON.stringify(payload)?.slice(0, 200)}`);
  }
  const actorId = p.actorId as string;
  return {
    actor: p.actorKind === 'member' ? { kind: 'member', memberId: actorId } : { kind: 'partner', apiKeyId: actorId },
    subjectId: p.subjectId as string,
    fields: p.fields as string[],
    operationName: (p.operationName as string | null | undefined) ?? null,
    at: new Date(p.at),
    requestId: (p.requestId as string | null | undefined) ?? null,
  };
}

/** One `audit.private-read` event to write. */
export interface PrivateReadEvent {
  type: typeof AUDIT_PRIVATE_READ;
  payload: PrivateReadPayload;
  version: number;
}

/**
 * Writes a request's events durably and all together, in order: a service's outbox, in a transaction of
 * their own (`recordEvents(db, events)` of @pdn/domain-events).
 */
export type EmitEvents = (events: PrivateReadEvent[]) => Promise<unknown>;

/**
 * The audit sink of a subgraph whose reads the members subgraph records: each read becomes an event,
 * a request's events written at once (a page of fifty members costs one write, not fifty).
 */
export class EventAuditSink implements AuditSink {
  constructor(private readonly emit: EmitEvents) {}

  async record(reads: PrivateRead[]): Promise<void> {
    if (reads.length === 0) return;
    await this.emit(reads.map((read) => ({ type: AUDIT_PRIVATE_READ, payload: privateReadPayload(read), version: AUDIT_PRIVATE_READ_VERSION })));
  }
}
