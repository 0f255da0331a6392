import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLResolveInfo } from 'graphql';
import type { Caller } from '@pdn/identity';
import type { Logger } from '@pdn/logging';

/** Who read: a member, or a partner application by its API key. */
export type AuditActor = { kind: 'member'; memberId: string } | { kind: 'partner'; apiKeyId: string };

/** One caller's read of one member's private fields within one request. */
export interface PrivateRead {
  actor: AuditActor;
  subjectId: string;
  /** The PRIVATE fields returned, each once, sorted. */
  fields: string[];
  /** The client's operation name, as the gateway forwarded it; null for an anonymous operation. */
  operationName: string | null;
  at: Date;
  requestId: string | null;
}

/**
 * Where reads of members' private fields by someone other than the member go: written by the members
 * subgraph into its audit log; elsewhere logged (or sent on as events) until members can take them.
 * Called once per request with every read of that request.
 */
export interface AuditSink {
  record(reads: PrivateRead[]): Promise<void>;
}

export const AUDIT_SINK = Symbol('AUDIT_SINK');

/** The default sink of a subgraph that has no other: one structured log line per read. */
export class LoggingAuditSink implements AuditSink {
  constructor(private readonly logger: Logger) {}

  async record(reads: PrivateRead[]): Promise<void> {
    for (const read of reads) this.logger.info({ audit: 'private-read', ...read }, 'private fields read');
  }
}

/**
 * The query planner names each subgraph fetch `<operation>__<subgraph>__<n>`: the client's name is
 * what the audit keeps.
 */
export function clientOperationName(name: string | null | undefined): string | null {
  if (!name) return null;
  const planned = /^(.+)__[A-Za-z_][A-Za-z0-9_]*__\d+$/.exec(name);
  return planned ? planned[1]! : name;
}

export function auditActor(caller: Caller): AuditActor | null {
  if (caller.kind === 'member') return { kind: 'member', memberId: caller.memberId };
  if (caller.kind === 'partner') return { kind: 'partner', apiKeyId: caller.apiKeyId };
  return null;
}

/** The reads of one request (or one subscription event), merged per subject until flushed. */
class AuditBuffer {
  private readonly reads = new Map<string, PrivateRead & { fieldSet: Set<string> }>();

  add(actor: AuditActor, subjectId: string, field: string, info: GraphQLResolveInfo, at: Date, requestId: string | null): void {
    const actorId = actor.kind === 'member' ? actor.memberId : actor.apiKeyId;
    const key = `${actor.kind}:${actorId}:${subjectId}`;
    let read = this.reads.get(key);
    if (!read) {
      read = { actor, subjectId, fields: [], fieldSet: new Set(), operationName: clientOperationName(info.operation.name?.value), at, requestId };
      this.reads.set(key, read);
    }
    read.fieldSet.add(field);
  }

  take(): PrivateRead[] {
    const reads = [...this.reads.values()].map(({ fieldSet, ...read }) => ({ ...read, fields: [...fieldSet].sort() }));
    this.reads.clear();
    return reads;
  }
}

const buffers = new WeakMap<object, AuditBuffer>();

/** Buffers a read in the request's context; nothing is written until `flushAudit`. */
export function bufferPrivateRead(context: object, actor: AuditActor, subjectId: string, field: string, info: GraphQLResolveInfo, at: Date): void {
  let buffer = buffers.get(context);
  if (!buffer) {
    buffer = new AuditBuffer();
    buffers.set(context, buffer);
  }
  const requestId = (context as { requestId?: unknown }).requestId;
  buffer.add(actor, subjectId, field, info, at, typeof requestId === 'string' ? requestId : null);
}

/**
 * Hands the request's reads to the sink, once. A failing sink is logged, never turned into an error of
 * an answer already computed; the request waits for the write, so a read is on record by the time its
 * answer leaves.
 */
export async function flushAudit(context: object | undefined, sink: AuditSink, logger: Logger): Promise<void> {
  const reads = context ? buffers.get(context)?.take() : undefined;
  if (!reads?.length) return;
  try {
    await sink.record(reads);
  } catch (error) {
    logger.error({ err: error, reads: reads.length }, 'the audit of private reads could not be written');
  }
}

/** Flushes each HTTP request's reads before its response is sent. */
export function auditPlugin(sink: AuditSink, logger: Logger): ApolloServerPlugin<Record<string, unknown>> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue }) {
          await flushAudit(contextValue, sink, logger);
        },
      };
    },
  };
}
