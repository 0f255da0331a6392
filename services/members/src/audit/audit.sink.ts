import { Injectable } from '@nestjs/common';
import { validate } from '@pdn/domain';
import type { AuditSink, PrivateRead } from '@pdn/subgraph';
import type { NewAuditEntry } from '../db/audit.tables.js';
import type { MembersDatabase } from '../common/tokens.js';
import { AuditRepository } from './audit.repository.js';

/**
 * The members subgraph's audit sink: every request's private reads become rows of the audit log, one
 * per reader and subject. Reads served by other subgraphs come in through `recordFrom` (their events).
 */
@Injectable()
export class MembersAuditSink implements AuditSink {
  constructor(private readonly repository: AuditRepository) {}

  record(reads: PrivateRead[]): Promise<void> {
    return this.recordFrom('members', reads);
  }

  /**
   * Reads served by `service`; ids that cannot be a member's or a key's (not UUIDs) are not kept.
   * Given a transaction (the consumer's of another subgraph's events), written in it.
   */
  async recordFrom(service: string, reads: PrivateRead[], executor?: MembersDatabase['db']): Promise<void> {
    const entries: NewAuditEntry[] = [];
    for (const read of reads) {
      const actorId = read.actor.kind === 'member' ? read.actor.memberId : read.actor.apiKeyId;
      if (!validate.isUuid(actorId) || !validate.isUuid(read.subjectId)) continue;
      entries.push({
        actorKind: read.actor.kind,
        actorId,
        subjectId: read.subjectId,
        fields: read.fields,
        operationName: read.operationName?.slice(0, 200) ?? null,
        service,
        requestId: read.requestId?.slice(0, 100) ?? null,
        at: read.at,
      });
    }
    await this.repository.insert(entries, executor);
  }
}
