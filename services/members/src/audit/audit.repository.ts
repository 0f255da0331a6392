import { Inject, Injectable } from '@nestjs/common';
import { and, count, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { auditEntries, type AuditEntryRow, type NewAuditEntry } from '../db/audit.tables.js';
import { MEMBERS_DATABASE, type MembersDatabase } from '../common/tokens.js';

export interface AuditQuery {
  actorId: string | null;
  subjectId: string | null;
  from: Date | null;
  to: Date | null;
}

/** The keyset of the log, newest first: the instant (ISO, millisecond precision as written from JS) then id. */
export type AuditCursor = [at: string, id: string];

/** One lock key for the purge across every replica (pg_try_advisory_xact_lock takes a bigint). */
const PURGE_LOCK = sql`hashtext('pdn:members:audit-purge')`;

@Injectable()
export class AuditRepository {
  constructor(@Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase) {}

  /** In `executor`'s transaction when given (a consumed event's, so the entry and its event commit together). */
  async insert(entries: NewAuditEntry[], executor: MembersDatabase['db'] = this.database.db): Promise<void> {
    if (entries.length) await executor.insert(auditEntries).values(entries);
  }

  async page(query: AuditQuery, limit: number, after: AuditCursor | null): Promise<{ rows: AuditEntryRow[]; total: number }> {
    const condition = and(
      query.actorId ? eq(auditEntries.actorId, query.actorId) : undefined,
      query.subjectId ? eq(auditEntries.subjectId, query.subjectId) : undefined,
      query.from ? gte(auditEntries.at, query.from) : undefined,
      query.to ? lte(auditEntries.at, query.to) : undefined,
    );
    const keyset: SQL | undefined = after ? sql`(${auditEntries.at}, ${auditEntries.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined;
    const db = this.database.db;
    const [rows, totals] = await Promise.all([
      db
        .select()
        .from(auditEntries)
        .where(and(condition, keyset))
        .orderBy(desc(auditEntries.at), desc(auditEntries.id))
        .limit(limit),
      db.select({ total: count() }).from(auditEntries).where(condition),
    ]);
    return { rows, total: Number(totals[0]?.total ?? 0) };
  }

  /**
   * Deletes the entries older than `cutoff`, in one transaction that first claims a lock every replica
   * tries: the one that gets it purges, the others skip this round (null). The delete itself is
   * idempotent, so even two purges in a row would only find nothing left the second time.
   */
  purgeOlderThan(cutoff: Date): Promise<number | null> {
    return this.database.db.transaction(async (tx) => {
      const claimed = await tx.execute<{ claimed: boolean }>(sql`select pg_try_advisory_xact_lock(${PURGE_LOCK}) as claimed`);
      if (!rowsOf<{ claimed: boolean }>(claimed)[0]?.claimed) return null;
      const deleted = await tx.delete(auditEntries).where(lt(auditEntries.at, cutoff)).returning({ id: auditEntries.id });
      return deleted.length;
    });
  }
}

/** node-postgres answers `execute` with a result object, PGlite with one too but Drizzle may hand back rows. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
