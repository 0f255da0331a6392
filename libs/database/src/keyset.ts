import DataLoader from 'dataloader';
import { and, asc, desc, eq, gt, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Lookups by id batched per tick: every `load(id)` made while one request (or several) is being
 * resolved becomes one `WHERE id = ANY(…)`. This is what keeps federation's `_entities` and nested
 * fields at one statement per batch, whatever its size. Not a cache: each tick reads afresh.
 * Ids that are not UUIDs cannot exist and never reach SQL.
 */
export function batchById<Row extends { id: string }>(fetchRows: (ids: string[]) => Promise<Row[]>): (id: string) => Promise<Row | null> {
  const loader = new DataLoader<string, Row | null>(
    async (ids) => {
      const rows = await fetchRows([...ids]);
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    },
    { cache: false },
  );
  return (id) => (UUID.test(id) ? loader.load(id) : Promise.resolve(null));
}

/**
 * The two orders of a searchable list: by relevance (`ts_rank`, highest first) while searching, else
 * by a sort key; ties broken by id. Returns the ORDER BY and the keyset condition for the rows after
 * a cursor made of `[rank, id]` or `[sortKey, id]`.
 */
export function searchOrKeyOrder(options: {
  rank: SQL | null;
  sortKey: AnyColumn;
  id: AnyColumn;
  after: readonly unknown[] | null;
}): { orderBy: SQL[]; after: SQL | undefined } {
  const { rank, sortKey, id, after } = options;
  if (rank) {
    // ts_rank is a float4: compare as float4 so a rank read back from a cursor equals itself.
    const [afterRank, afterId] = (after ?? []) as [number, string];
    return {
      orderBy: [desc(rank), asc(id)],
      after: after ? sql`(${rank} < ${afterRank}::real or (${rank} = ${afterRank}::real and ${id} > ${afterId}))` : undefined,
    };
  }
  const [afterKey, afterId] = (after ?? []) as [string, string];
  return {
    orderBy: [asc(sortKey), asc(id)],
    after: after ? or(gt(sortKey, afterKey), and(eq(sortKey, afterKey), gt(id, afterId))) : undefined,
  };
}

/** `ts_rank` of a `simple` text-search vector against a prefix query from `toPrefixTsQuery`, as float4. */
export function textRank(vector: SQL, tsQuery: string): SQL<number> {
  return sql<number>`ts_rank(${vector}, to_tsquery('simple', ${tsQuery}))::real`;
}

export function textMatch(vector: SQL, tsQuery: string): SQL {
  return sql`${vector} @@ to_tsquery('simple', ${tsQuery})`;
}
