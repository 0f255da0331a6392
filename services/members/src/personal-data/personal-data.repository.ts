import { Inject, Injectable } from '@nestjs/common';
import { asc, eq, getTableColumns, max, or, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { MEMBERS_DATABASE, type MembersDatabase } from '../common/tokens.js';
import { apiKeys } from '../db/api-keys.tables.js';
import { auditEntries } from '../db/audit.tables.js';
import { emailOutbox, invitations, loginThrottle, members, refreshTokens, sessions, statusChanges, structures } from '../db/members.tables.js';

/** Every row members holds about one member, as stored (the service decides what leaves). */
@Injectable()
export class MembersPersonalDataRepository {
  constructor(@Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase) {}

  /** One snapshot: the reads share a transaction. Null when the member no longer exists. */
  async rowsOf(memberId: string) {
    return this.database.db.transaction(async (tx) => {
      const [member] = await tx.select().from(members).where(eq(members.id, memberId));
      if (!member) return null;
      const sameEmail = (column: AnyPgColumn) => sql`lower(${column}) = lower(${member.email})`;
      const [structure] = member.structureId
        ? await tx
            .select({ id: structures.id, name: structures.name, kind: structures.kind, commune: structures.commune, department: structures.department })
            .from(structures)
            .where(eq(structures.id, member.structureId))
        : [];
      const statusHistory = await tx.select().from(statusChanges).where(eq(statusChanges.memberId, memberId)).orderBy(asc(statusChanges.at), asc(statusChanges.id));
      const sessionRows = await tx
        .select({ ...getTableColumns(sessions), lastRefreshedAt: max(refreshTokens.createdAt) })
        .from(sessions)
        .leftJoin(refreshTokens, eq(refreshTokens.sessionId, sessions.id))
        .where(eq(sessions.memberId, memberId))
        .groupBy(sessions.id)
        .orderBy(asc(sessions.createdAt), asc(sessions.id));
      const invitationsSent = await tx.select().from(invitations).where(eq(invitations.invitedBy, memberId)).orderBy(asc(invitations.createdAt), asc(invitations.id));
      const invitationsReceived = await tx
        .select()
        .from(invitations)
        .where(or(eq(invitations.memberId, memberId), sameEmail(invitations.email)))
        .orderBy(asc(invitations.createdAt), asc(invitations.id));
      const emails = await tx.select().from(emailOutbox).where(sameEmail(emailOutbox.recipient)).orderBy(asc(emailOutbox.createdAt), asc(emailOutbox.id));
      const [throttle] = await tx.select().from(loginThrottle).where(sameEmail(loginThrottle.email));
      const keysCreated = await tx.select().from(apiKeys).where(eq(apiKeys.createdBy, memberId)).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
      const keysRevoked = await tx.select().from(apiKeys).where(eq(apiKeys.revokedBy, memberId)).orderBy(asc(apiKeys.revokedAt), asc(apiKeys.id));
      const reads = await tx.select().from(auditEntries).where(eq(auditEntries.subjectId, memberId)).orderBy(asc(auditEntries.at), asc(auditEntries.id));
      return {
        member,
        structure: structure ?? null,
        statusHistory,
        sessions: sessionRows,
        invitationsSent,
        invitationsReceived,
        emails,
        throttle: throttle ?? null,
        keysCreated,
        keysRevoked,
        reads,
      };
    });
  }
}
