import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';

/**
 * One table's rows, made in batches as they are written so that the national dataset never sits in
 * memory whole. Rows are typed by the service's own Drizzle table: a column renamed in a service's
 * schema breaks the generator's build, not the benchmark.
 */
export interface TableJob<TTable extends PgTable = PgTable> {
  table: TTable;
  /** Rows this job writes; known before the first batch (the progress bar's total). */
  total: number;
  batches(): Iterable<TTable['$inferInsert'][]>;
}

export function tableJob<TTable extends PgTable>(
  table: TTable,
  total: number,
  batches: () => Iterable<TTable['$inferInsert'][]>,
): TableJob<TTable> {
  return { table, total, batches };
}

/** Rows per INSERT: large enough that round trips do not count, small enough for modest memory. */
export const BATCH_SIZE = 5_000;

/** Splits a row generator into batches of `size`. */
export function* inBatches<T>(rows: Iterable<T>, size = BATCH_SIZE): Iterable<T[]> {
  let batch: T[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Writes one batch in a single statement: `insert … select … from unnest($1::uuid[], $2::text[], …)`,
 * one array parameter per column, so the server parses one statement and PostgreSQL's parameter
 * limit (65,535) never caps the batch. `pg-copy-streams` (COPY FROM STDIN) is not a dependency of
 * the workspace; unnest gets most of COPY's speed with the driver we have. Columns whose values are
 * themselves arrays or JSON travel as text and are cast back on the server, because `unnest` would
 * flatten a two-dimensional array.
 */
export async function insertBatch<TTable extends PgTable>(
  client: pg.ClientBase,
  table: TTable,
  rows: readonly TTable['$inferInsert'][],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => key in (rows[0] as object));
  const values = columns.map(([key, column]) => rows.map((row) => toParameter(column, (row as Record<string, unknown>)[key])));
  const names = columns.map(([, column]) => `"${column.name}"`).join(', ');
  const selected = columns.map(([, column], i) => `u.c${i}${castBack(column)}`).join(', ');
  const unnested = columns.map(([, column], i) => `$${i + 1}::${parameterType(column)}[]`).join(', ');
  const aliases = columns.map((_, i) => `c${i}`).join(', ');
  await client.query(
    `insert into "${getTableName(table)}" (${names}) select ${selected} from unnest(${unnested}) as u(${aliases})`,
    values,
  );
}

function isArrayColumn(column: PgColumn): boolean {
  return column.getSQLType().endsWith('[]');
}

function isJsonColumn(column: PgColumn): boolean {
  return column.getSQLType() === 'jsonb' || column.getSQLType() === 'json';
}

function parameterType(column: PgColumn): string {
  return isArrayColumn(column) || isJsonColumn(column) ? 'text' : column.getSQLType();
}

function castBack(column: PgColumn): string {
  if (isArrayColumn(column) || isJsonColumn(column)) return `::${column.getSQLType()}`;
  return '';
}

function toParameter(column: PgColumn, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (isJsonColumn(column)) return JSON.stringify(value);
  if (isArrayColumn(column)) return arrayLiteral(value as readonly string[]);
  return value;
}

/** `{"a","b"}`: PostgreSQL's array input syntax, every element quoted and escaped. */
export function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((item) => `"${item.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}
