import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { and, asc, count, desc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { batchById } from '@pdn/database';
import { validate } from '@pdn/domain';
import { FEED_DATABASE, type FeedDatabase } from '../common/tokens.js';
import { alertAcknowledgements, alerts, type AlertRow } from '../db/feed.tables.js';
import type { AlertCriteria } from './alert-rules.js';

export type NewAlert = typeof alerts.$inferInsert;

/** The keyset of the alerts list, newest first: raisedAt (ISO) then id. */
export type AlertCursor = [raisedAt: string, id: string];

export interface AlertQuery extends AlertCriteria {
  /** Départements the reader sees ('ALL' for admins). */
  visible: string[] | 'ALL';
  now: Date;
}

/** Per-tick batches like `batchById`, by any key: one statement for every load of a page. */
function batchBy<K, V>(fetch: (keys: K[]) => Promise<V[]>, cacheKeyFn?: (key: K) => unknown): (key: K) => Promise<V> {
  const loader = new DataLoader<K, V, unknown>(async (keys) => fetch([...keys]), { cache: false, cacheKeyFn });
  return (key) => loader.load(key);
}

const pairKey = (k: { memberId: string | null; alertId: string }) => `${k.memberId}|${k.alertId}`;

@Injectable()
export class AlertsRepository {
  /** `alert(id)`, federation's `_entities` and `hasAcknowledged`'s checks share this batch. */
  readonly findById = batchById((ids) => this.database.db.select().from(alerts).where(inArray(alerts.id, ids)));

  /** Acknowledgement counts of a page of alerts, one `GROUP BY`. */
  readonly countOf = batchBy<string, number>(async (alertIds) => {
    const rows = await this.database.db
      .select({ alertId: alertAcknowledgements.alertId, n: count() })
      .from(alertAcknowledgements)
      .where(inArray(alertAcknowledgements.alertId, alertIds))
      .groupBy(alertAcknowledgements.alertId);
    const counts = new Map(rows.map((r) => [r.alertId, Number(r.n)]));
    return alertIds.map((id) => counts.get(id) ?? 0);
  });

  /** `acknowledgedByMe` of a page and `Member.hasAcknowledged` of a list of members: one statement. */
  readonly hasAcknowledged = batchBy<{ memberId: string; alertId: string }, boolean>(async (keys) => {
    const valid = keys.filter((k) => validate.isUuid(k.memberId) && validate.isUuid(k.alertId));
    if (valid.length === 0) return keys.map(() => false);
    const rows = await this.database.db
      .select({ memberId: alertAcknowledgements.memberId, alertId: alertAcknowledgements.alertId })
      .from(alertAcknowledgements)
      .where(
        and(
          inArray(alertAcknowledgements.memberId, [...new Set(valid.map((k) => k.memberId))]),
          inArray(alertAcknowledgements.alertId, [...new Set(valid.map((k) => k.alertId))]),
        ),
      );
    const found = new Set(rows.map(pairKey));
    return keys.map((k) => found.has(pairKey(k)));
  }, pairKey);

  constructor(@Inject(FEED_DATABASE) private readonly database: FeedDatabase) {}

  private condition(query: AlertQuery): SQL | undefined {
    return and(
      query.visible === 'ALL' ? undefined : query.visible.length ? sql`${alerts.departments} && ${sql.param(query.visible)}::text[]` : sql`false`,
      query.activeOnly ? and(isNull(alerts.resolvedAt), or(isNull(alerts.expiresAt), gt(alerts.expiresAt, query.now))) : undefined,
      inArray(alerts.severity, query.severities),
      query.categories ? inArray(alerts.category, query.categories) : undefined,
      query.department ? sql`${alerts.departments} @> ${sql.param([query.department])}::text[]` : undefined,
    );
  }

  /** Newest first. */
  async page(query: AlertQuery, limit: number, after: AlertCursor | null): Promise<{ rows: AlertRow[]; total: number }> {
    const condition = this.condition(query);
    const keyset = after ? sql`(${alerts.raisedAt}, ${alerts.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined;
    const db = this.database.db;
    const [rows, totals] = await Promise.all([
      db.select().from(alerts).where(and(condition, keyset)).orderBy(desc(alerts.raisedAt), desc(alerts.id)).limit(limit),
      db.select({ total: count() }).from(alerts).where(condition),
    ]);
    return { rows, total: Number(totals[0]?.total ?? 0) };
  }

  /** The replay of `alertRaised`: in the order they were raised, strictly after `since`. */
  raisedAfter(query: AlertQuery, since: Date, limit: number): Promise<AlertRow[]> {
    return this.database.db
      .select()
      .from(alerts)
      .where(and(this.condition(query), gt(alerts.raisedAt, since)))
      .orderBy(asc(alerts.raisedAt), asc(alerts.id))
      .limit(limit);
  }

  async insert(values: NewAlert): Promise<AlertRow> {
    const [row] = await this.database.db.insert(alerts).values(values).returning();
    return row!;
  }

  /**
   * Records the acknowledgement once; on the first one the alert's version is bumped in the same
   * transaction (subscribers order updates by it). Returns null when it was already acknowledged.
   */
  acknowledge(alertId: string, memberId: string, now: Date): Promise<AlertRow | null> {
    return this.database.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(alertAcknowledgements)
        .values({ alertId, memberId, at: now })
        .onConflictDoNothing()
        .returning({ alertId: alertAcknowledgements.alertId });
      if (inserted.length === 0) return null;
      const [row] = await tx.update(alerts).set({ version: sql`${alerts.version} + 1` }).where(eq(alerts.id, alertId)).returning();
      return row ?? null;
    });
  }

  /** Resolves it unless already resolved (null then): the check and the write are one statement. */
  async resolve(alertId: string, by: string, note: string, now: Date): Promise<AlertRow | null> {
    const [row] = await this.database.db
      .update(alerts)
      .set({ resolvedAt: now, resolvedBy: by, resolutionNote: note, version: sql`${alerts.version} + 1` })
      .where(and(eq(alerts.id, alertId), isNull(alerts.resolvedAt)))
      .returning();
    return row ?? null;
  }

  /**
   * Claims the CRITICAL alerts due for a reminder at `now` and marks them reminded, in one UPDATE:
   * the row locks and the re-checked WHERE make two replicas running this at once claim each alert
   * once. Due: active, raised at least one interval ago, and not reminded within the interval.
   */
  async claimDueReminders(now: Date, intervalMs: number): Promise<AlertRow[]> {
    const cutoff = new Date(now.getTime() - intervalMs);
    return this.database.db
      .update(alerts)
      .set({ lastRemindedAt: now })
      .where(
        and(
          eq(alerts.severity, 'CRITICAL'),
          isNull(alerts.resolvedAt),
          or(isNull(alerts.expiresAt), gt(alerts.expiresAt, now)),
          lte(alerts.raisedAt, cutoff),
          or(isNull(alerts.lastRemindedAt), lte(alerts.lastRemindedAt, cutoff)),
        ),
      )
      .returning();
  }

  /** Who acknowledged these alerts, by alert: one statement. */
  async acknowledgersOf(alertIds: string[]): Promise<Map<string, string[]>> {
    const byAlert = new Map<string, string[]>(alertIds.map((id) => [id, []]));
    if (alertIds.length === 0) return byAlert;
    const rows = await this.database.db
      .select({ alertId: alertAcknowledgements.alertId, memberId: alertAcknowledgements.memberId })
      .from(alertAcknowledgements)
      .where(inArray(alertAcknowledgements.alertId, alertIds));
    // Acknowledgements of erased members (detached) count, but are no one's.
    for (const row of rows) if (row.memberId) byAlert.get(row.alertId)?.push(row.memberId);
    return byAlert;
  }
}
