import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';

// The right of access (`myPersonalData`): each subgraph exports what its tables hold about a member.
// A coverage map says, for every table of the subgraph, what is exported and what is not and why, so
// that a table or a member-id column added later cannot silently stay out of the export: the specs
// check the map against the tables (`personalDataCoverageProblems`) and the export against the map
// (`personalDataExportProblems`).

/** A column that holds a member's id (or e-mail): where the rows holding the member's appear in the part, or why they do not. */
export type SubjectColumn = string | { excluded: string };

export interface PersonalTableCoverage {
  /**
   * Columns holding a member's id or e-mail. A string is the path, in the subgraph's part of the
   * export, where the rows holding the member's are listed (`''`: the part itself, for the member's
   * own row); `{ excluded }` says why those rows are not exported.
   */
  subjects: Record<string, SubjectColumn>;
  /** uuid columns without a foreign key that hold something else than a member: what they hold. */
  otherIds?: Record<string, string>;
  /** Columns left out of every exported row, and why (secrets, values derived from other columns). */
  omit?: Record<string, string>;
}

export interface UnexportedTableCoverage {
  /** Why nothing of this table is exported (it must hold no member id). */
  notExported: string;
  otherIds?: Record<string, string>;
}

export type TableCoverage = PersonalTableCoverage | UnexportedTableCoverage;

/**
 * One entry per table of the subgraph's schema object. Optional for the compiler, so that a table
 * added by someone else does not break the build: `personalDataCoverageProblems` fails the spec instead.
 */
export type PersonalDataCoverage<TSchema extends Record<string, unknown>> = { [K in keyof TSchema]?: TableCoverage };

/** The row as exported: every column but the omitted ones. */
export function withoutOmitted<Row extends Record<string, unknown>>(coverage: TableCoverage | undefined, row: Row): Partial<Row> {
  const omit = coverage && 'omit' in coverage ? (coverage.omit ?? {}) : {};
  return Object.fromEntries(Object.entries(row).filter(([key]) => !(key in omit))) as Partial<Row>;
}

function tablesOf(schema: Record<string, unknown>): [string, PgTable][] {
  return Object.entries(schema).filter((entry): entry is [string, PgTable] => is(entry[1], PgTable));
}

/**
 * Columns that may hold a member's id: uuid columns other than the table's own `id`, unless a foreign
 * key says they point to another table than `memberTable` (the members subgraph's `members`).
 */
function memberIdCandidates(table: PgTable, memberTable: string): string[] {
  const config = getTableConfig(table);
  const toOtherTables = new Set(
    config.foreignKeys
      .map((fk) => fk.reference())
      .filter((ref) => getTableName(ref.foreignTable) !== memberTable)
      .flatMap((ref) => ref.columns.map((column) => column.name)),
  );
  return Object.entries(getTableColumns(table))
    .filter(([key, column]) => column.getSQLType() === 'uuid' && !(key === 'id' && column.primary) && !toOtherTables.has(column.name))
    .map(([key]) => key);
}

/**
 * What the coverage map gets wrong about the schema: a table without an entry, an entry naming a
 * column that does not exist, a column that may hold a member id and is classified nowhere.
 */
export function personalDataCoverageProblems(
  schema: Record<string, unknown>,
  coverage: Record<string, TableCoverage | undefined>,
  options: { memberTable?: string } = {},
): string[] {
  const problems: string[] = [];
  const tables = tablesOf(schema);
  for (const key of Object.keys(coverage)) {
    if (!tables.some(([name]) => name === key)) problems.push(`${key}: in the coverage map but not a table of the schema`);
  }
  for (const [key, table] of tables) {
    const entry = coverage[key];
    const name = getTableName(table);
    if (!entry) {
      problems.push(`${key} (table ${name}): not in the coverage map; say what it holds about a member and where the export shows it`);
      continue;
    }
    const columns = Object.keys(getTableColumns(table));
    const named = {
      subjects: 'subjects' in entry ? Object.keys(entry.subjects) : [],
      otherIds: Object.keys(entry.otherIds ?? {}),
      omit: 'omit' in entry ? Object.keys(entry.omit ?? {}) : [],
    };
    for (const [list, keys] of Object.entries(named)) {
      for (const column of keys) if (!columns.includes(column)) problems.push(`${key}.${column}: listed in ${list} but not a column`);
    }
    if ('subjects' in entry && Object.keys(entry.subjects).length === 0) problems.push(`${key}: no subject column; use { notExported } instead`);
    for (const column of memberIdCandidates(table, options.memberTable ?? 'members')) {
      if (named.subjects.includes(column) || named.otherIds.includes(column)) continue;
      problems.push(
        'notExported' in entry
          ? `${key}.${column}: may hold a member id, yet the table is not exported; export it or list the column in otherIds`
          : `${key}.${column}: may hold a member id; list it in subjects (exported where, or why not) or in otherIds`,
      );
    }
  }
  return problems;
}

function at(part: unknown, path: string): unknown {
  return path === '' ? part : path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], part);
}

/**
 * What an export built from rows in every table (a fixture with something everywhere) lacks: a path
 * that is empty, an exported row without one of the table's columns, an omitted column that shows.
 */
export function personalDataExportProblems(schema: Record<string, unknown>, coverage: Record<string, TableCoverage | undefined>, part: unknown): string[] {
  const problems: string[] = [];
  for (const [key, table] of tablesOf(schema)) {
    const entry = coverage[key];
    if (!entry || !('subjects' in entry)) continue;
    const omitted = Object.keys(entry.omit ?? {});
    const expected = Object.keys(getTableColumns(table)).filter((column) => !omitted.includes(column));
    for (const [column, subject] of Object.entries(entry.subjects)) {
      if (typeof subject !== 'string') continue;
      const where = `${key}.${column} → ${subject === '' ? '(the part itself)' : subject}`;
      const value = at(part, subject);
      const rows = Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : [];
      if (rows.length === 0) problems.push(`${where}: nothing exported (does the fixture fill it?)`);
      rows.forEach((row: Record<string, unknown>, i) => {
        const missing = expected.filter((c) => !(c in row));
        const leaked = omitted.filter((c) => c in row);
        if (missing.length) problems.push(`${where}[${i}]: lacks ${missing.join(', ')}`);
        if (leaked.length) problems.push(`${where}[${i}]: shows omitted ${leaked.join(', ')}`);
      });
    }
  }
  return problems;
}
