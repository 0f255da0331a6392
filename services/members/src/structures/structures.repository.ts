import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { and, asc, count, desc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { toPrefixTsQuery } from '@pdn/database';
import { validate } from '@pdn/domain';
import type { CursorValue } from '@pdn/pagination';
import { structures, type StructureRow } from '../db/members.tables.js';
import { MEMBERS_DATABASE, type MembersDatabase } from '../common/tokens.js';

export interface StructureQuery {
  search?: string | null;
  departments?: string[] | null;
  kinds?: string[] | null;
  commune?: string | null;
}

export type NewStructure = typeof structures.$inferInsert;

const searchVector = sql`to_tsvector('simple', ${structures.searchText})`;

@Injectable()
export class StructuresRepository {
  /**
   * Batches every lookup by id made in the same tick into one `WHERE id = ANY(…)`, whichever request
   * asked: federation's `_entities` and `Member.structure` both go through it.
   */
  private readonly byId = new DataLoader<string, StructureRow | null>(
    async (ids) => {
      const rows = await this.database.db.select().from(structures).where(inArray(structures.id, [...ids]));
      const found = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => found.get(id) ?? null);
    },
    { cache: false },
  );

  constructor(@Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase) {}

  findById(id: string): Promise<StructureRow | null> {
    return validate.isUuid(id) ? this.byId.load(id) : Promise.resolve(null);
  }

  private where(query: StructureQuery): { condition: SQL | undefined; tsQuery: string | null } {
    const tsQuery = query.search ? toPrefixTsQuery(query.search) : null;
    const conditions: (SQL | undefined)[] = [
      query.departments?.length ? inArray(structures.department, query.departments) : undefined,
      query.kinds?.length ? inArray(structures.kind, query.kinds) : undefined,
      query.commune ? sql`lower(${structures.commune}) = lower(${query.commune})` : undefined,
      tsQuery ? sql`${searchVector} @@ to_tsquery('simple', ${tsQuery})` : undefined,
    ];
    return { condition: and(...conditions), tsQuery };
  }

  /** A keyset page: by relevance when searching, else by name; `limit` rows after the cursor. */
  async page(query: StructureQuery, limit: number, after: CursorValue[] | null): Promise<{ rows: (StructureRow & { rank: number })[]; total: number }> {
    const { condition, tsQuery } = this.where(query);
    const rank = tsQuery ? sql<number>`ts_rank(${searchVector}, to_tsquery('simple', ${tsQuery}))::real` : sql<number>`0::real`;
    let keyset: SQL | undefined;
    if (after && tsQuery) {
      const [afterRank, afterId] = after as [number, string];
      keyset = sql`(${rank} < ${afterRank}::real or (${rank} = ${afterRank}::real and ${structures.id} > ${afterId}))`;
    } else if (after) {
      const [afterKey, afterId] = after as [string, string];
      keyset = or(gt(structures.searchText, afterKey), and(eq(structures.searchText, afterKey), gt(structures.id, afterId)));
    }
    const db = this.database.db;
    const [rows, [{ total }]] = await Promise.all([
      db
        .select({ row: structures, rank })
        .from(structures)
        .where(and(condition, keyset))
        .orderBy(...(tsQuery ? [desc(rank), asc(structures.id)] : [asc(structures.searchText), asc(structures.id)]))
        .limit(limit),
      db.select({ total: count() }).from(structures).where(condition) as Promise<{ total: number }[]>,
    ]);
    return { rows: rows.map((r) => ({ ...r.row, rank: Number(r.rank) })), total: Number(total) };
  }

  async insert(values: NewStructure): Promise<StructureRow> {
    const [row] = await this.database.db.insert(structures).values(values).returning();
    return row!;
  }

  async update(id: string, values: Partial<NewStructure>): Promise<StructureRow | null> {
    const [row] = await this.database.db
      .update(structures)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(structures.id, id))
      .returning();
    return row ?? null;
  }
}
