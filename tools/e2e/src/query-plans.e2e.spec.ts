import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the benchmark's own dataset, checked here (tools may not import tools)
import { memberEmail, type DatasetSummary } from '../../bench/src/dataset/index.js';
import { BENCH_PASSWORD, SERVICES, startGeneratedSystem, type GeneratedSystem, type ServiceName } from './generated-system.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the benchmark's own dataset and pages, checked here (tools may not import tools)
import { coordinatorReport, directoryPage, eventPage, feedPage } from '../../bench/src/scenarios/operations.js';
import { ADMIN, type RunningSystem } from './system.js';

// Indexes for every filter and sort of the contract (issue 7). The contract's list queries are sent
// through the gateway, with each filter and the next page of each connection, to the built subgraphs
// on a generated dataset; the subgraphs log every statement with its parameters (LOG_LEVEL=trace,
// outside production only) and each SELECT they sent is EXPLAINed on their database with
// `enable_seqscan = off`. With sequential scans priced out, the planner still picks one on a table
// only when no index can serve the filter or the sort: such a plan on a table that grows with the
// network fails the test, which names the table, the operation and the statement.



/** The tables that grow with the network: thousands to hundreds of thousands of rows nationally. */
const LARGE_TABLES = new Set([
  'members',
  'structures',
  'events',
  'registrations',
  'permanences',
  'presence_logs',
  'posts',
  'comments',
  'reactions',
  'alerts',
  'alert_acknowledgements',
  'audit_entries',
]);

interface Statement {
  service: ServiceName;
  operation: string;
  sql: string;
  params: unknown[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Filter?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

let generated: GeneratedSystem;
let dataset: DatasetSummary;
let system: RunningSystem;
const tokens: { coordinator: string; admin: string; promeneur: string } = { coordinator: '', admin: '', promeneur: '' };
const statements: Statement[] = [];

/** The statements logged by the subgraphs since `offsets`, once they stopped logging. */
async function statementsSince(offsets: number[], operation: string): Promise<Statement[]> {
  let lengths = SERVICES.map((service) => system[service].logs.length);
  for (let attempt = 0; attempt < 50; attempt++) {
    await sleep(100);
    const now = SERVICES.map((service) => system[service].logs.length);
    if (now.every((length, i) => length === lengths[i])) break;
    lengths = now;
  }
  return SERVICES.flatMap((service, i) =>
    system[service].logs
      .slice(offsets[i])
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"sql statement"'))
      .map((line) => JSON.parse(line) as { sql: string; params: unknown[] })
      .map(({ sql, params }) => ({ service, operation, sql, params })),
  );
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string }[];
}

/** Sends an operation and keeps the statements it cost; returns its data (errors fail the test). */
async function send(operation: string, query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, unknown>> {
  const offsets = SERVICES.map((service) => system[service].logs.length);
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as Answer;
  if (answer.errors?.length || !answer.data) throw new Error(`${operation} failed: ${JSON.stringify(answer.errors ?? answer)}`);
  statements.push(...(await statementsSince(offsets, operation)));
  return answer.data;
}

/** A connection's first page, then its second one (the keyset condition of `after`). */
async function bothPages(operation: string, field: string, selection: string, args: Record<string, { type: string; value: unknown }>, token: string) {
  const declared = Object.entries(args).map(([name, { type }]) => `$${name}: ${type}`);
  const passed = Object.keys(args).map((name) => `${name}: $${name}`);
  const query = `query(${[...declared, '$after: String'].join(', ')}) { ${field}(${[...passed, 'first: 5', 'after: $after'].join(', ')}) { pageInfo { hasNextPage endCursor } edges { node { ${selection} } } } }`;
  const variables = Object.fromEntries(Object.entries(args).map(([name, { value }]) => [name, value]));
  const first = await send(operation, query, variables, token);
  const { pageInfo } = first[field] as { pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  if (pageInfo.hasNextPage) await send(`${operation}, next page`, query, { ...variables, after: pageInfo.endCursor }, token);
}

const sqlOn = <T extends Record<string, unknown>>(service: ServiceName, text: string, values: unknown[] = []) => generated.sql<T>(service, text, values);


function sequentialScans(plan: PlanNode): PlanNode[] {
  const own = plan['Node Type'] === 'Seq Scan' && LARGE_TABLES.has(plan['Relation Name'] ?? '') ? [plan] : [];
  return [...own, ...(plan.Plans ?? []).flatMap(sequentialScans)];
}

/**
 * The reads of a whole large table that filter rows on the way: sequential scans, and index scans
 * without an index condition (an index read end to end for its order, rows filtered one by one).
 */
function filteredWholeReads(plan: PlanNode): PlanNode[] {
  const whole = plan['Node Type'] === 'Seq Scan' || (/^Index (Only )?Scan$/.test(plan['Node Type']) && !plan['Index Cond']);
  const own = whole && plan.Filter && LARGE_TABLES.has(plan['Relation Name'] ?? '') ? [plan] : [];
  return [...own, ...(plan.Plans ?? []).flatMap(filteredWholeReads)];
}

/**
 * The selective keys a plan filter looks rows up by: ids (`*_id`, `*_by`) and the département, compared
 * for equality in a top-level conjunct (`(organizer_id = '…'::uuid)`, `(member_id = ANY ('{…}'))`), not
 * inside an OR (a visibility rule). Enumerations (kind, status, severity…) have a handful of values:
 * reading a page in the list's order and filtering them is the right plan, an index of its own is not.
 */
function lookupKeys(filter: string): string[] {
  return topLevelConjuncts(filter)
    .filter((conjunct) => !conjunct.includes(' OR '))
    .map((conjunct) => /^\(*(\w+) = (?:ANY \()?'/.exec(conjunct)?.[1])
    .filter((column): column is string => column !== undefined && (/_(id|by)$/.test(column) || column === 'department'));
}

/** `((a) AND ((b) OR (c)))` → `(a)`, `((b) OR (c))`. */
function topLevelConjuncts(filter: string): string[] {
  let text = filter.trim();
  while (text.startsWith('(') && closingParenthesis(text, 0) === text.length - 1) text = text.slice(1, -1).trim();
  const conjuncts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === "'") i = text.indexOf("'", i + 1);
    else if (depth === 0 && text.startsWith(' AND ', i)) {
      conjuncts.push(text.slice(start, i).trim());
      start = i + 5;
    }
  }
  conjuncts.push(text.slice(start).trim());
  return conjuncts;
}

function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
    else if (text[i] === "'") i = text.indexOf("'", i + 1);
  }
  return -1;
}

beforeAll(async () => {
  // LOG_LEVEL=trace: the subgraphs log every statement they send, which the test EXPLAINs.
  generated = await startGeneratedSystem({ seed: 3, env: { LOG_LEVEL: 'trace' } });
  ({ system, dataset } = generated);
  const account = dataset.accounts[0]!;
  tokens.coordinator = await generated.login(memberEmail('COORDINATOR', account.department, 1));
  tokens.promeneur = await generated.login(account.promeneur!);
  tokens.admin = await generated.login(ADMIN.email, ADMIN.password);
}, 240_000);

afterAll(async () => {
  await generated?.close();
});

describe('every filter and sort of the contract is served by an index', () => {
  it('sends the contract list queries with each filter, and their next pages', async () => {
    const department = dataset.accounts[0]!.department;
    const { coordinator, admin, promeneur } = tokens;
    const [structure] = await sqlOn<{ id: string }>('members', 'select structure_id as id from members where structure_id is not null and department = $1 limit 1', [department]);
    const [author] = await sqlOn<{ id: string; structure_id: string | null }>('feed', 'select author_id as id, structure_id from posts where structure_id is not null order by published_at desc limit 1');
    const [event] = await sqlOn<{ id: string }>('calendar', 'select event_id as id from registrations group by event_id order by count(*) desc limit 1');
    const [alert] = await sqlOn<{ id: string }>('feed', 'select id from alerts order by raised_at desc limit 1');
    const member = { id: { type: 'ID', value: author!.id } };
    const memberSelection = 'id displayName structure { id name }';

    // members (directory): every filter, by a coordinator who may see every status.
    const memberFilters: Record<string, Record<string, unknown>> = {
      none: {},
      search: { search: 'ma' },
      department: { department },
      themes: { department, themes: ['EMPLOYMENT', 'HEALTH'] },
      networks: { department, networks: ['INSTAGRAM'] },
      structureId: { structureId: structure!.id },
      structureKinds: { department, structureKinds: ['YOUTH_INFORMATION', 'SOCIAL_CENTER'] },
      statuses: { department, statuses: ['CANDIDATE'] },
    };
    for (const [name, filter] of Object.entries(memberFilters)) {
      await bothPages(`members(${name})`, 'members', memberSelection, { filter: { type: 'MemberFilter', value: filter } }, coordinator);
    }
    await bothPages('members(department) by a promeneur', 'members', memberSelection, { filter: { type: 'MemberFilter', value: { department } } }, promeneur);

    const structureFilters: Record<string, Record<string, unknown>> = {
      none: {},
      search: { search: 'centre' },
      department: { department },
      kinds: { kinds: ['YOUTH_CLUB', 'SOCIAL_CENTER'] },
      commune: { department, commune: 'a' },
    };
    for (const [name, filter] of Object.entries(structureFilters)) {
      await bothPages(`structures(${name})`, 'structures', 'id name', { filter: { type: 'StructureFilter', value: filter } }, coordinator);
    }
    await send('Structure.members', 'query($id: ID!) { structure(id: $id) { members(first: 5) { edges { node { id } } } } }', { id: structure!.id }, coordinator);

    const eventFilters: Record<string, Record<string, unknown>> = {
      none: {},
      kinds: { kinds: ['WORKSHOP', 'TRAINING'] },
      period: { from: '2026-11-01T00:00:00Z', to: '2027-02-01T00:00:00Z' },
      department: { department },
      themes: { themes: ['HEALTH'] },
      statuses: { statuses: ['COMPLETED'] },
    };
    for (const [name, filter] of Object.entries(eventFilters)) {
      await bothPages(`events(${name})`, 'events', 'id title organizer { id }', { filter: { type: 'EventFilter', value: filter } }, coordinator);
    }
    await send('event page', eventPage(event!.id).query, eventPage(event!.id).variables, coordinator);
    await send('onlineNow', 'query($d: String) { onlineNow(department: $d) { id member { id } } }', { d: department }, coordinator);
    await send('onlineNow everywhere', '{ onlineNow { id } }', {}, coordinator);
    for (const scope of [{ department }, { structureId: structure!.id }]) {
      await send(
        `presenceReport(${Object.keys(scope)[0]})`,
        'query($department: String, $structureId: ID) { presenceReport(from: "2025-11-01", to: "2026-10-31", department: $department, structureId: $structureId) { totalMinutes rows { member { id } minutesLogged } } }',
        scope,
        coordinator,
      );
    }

    const feedFilters: Record<string, Record<string, unknown>> = {
      none: {},
      search: { search: 'atelier' },
      kinds: { kinds: ['RESOURCE', 'QUESTION'] },
      themes: { themes: ['SPORT'] },
      authorId: { authorId: author!.id },
      structureId: { structureId: author!.structure_id },
      department: { department },
    };
    for (const [name, filter] of Object.entries(feedFilters)) {
      await bothPages(`feed(${name})`, 'feed', 'id title', { filter: { type: 'FeedFilter', value: filter } }, coordinator);
    }
    await bothPages('feed by a promeneur', 'feed', 'id title', {}, promeneur);
    const alertFilters: Record<string, Record<string, unknown>> = {
      none: {},
      activeOnly: { activeOnly: true },
      minSeverity: { minSeverity: 'WARNING' },
      categories: { categories: ['SCAM'] },
      department: { department },
    };
    for (const [name, filter] of Object.entries(alertFilters)) {
      await bothPages(`alerts(${name})`, 'alerts', 'id title acknowledgementCount acknowledgedByMe', { filter: { type: 'AlertFilter', value: filter } }, coordinator);
    }
    await send('hasAcknowledged', 'query($id: ID!, $alert: ID!) { member(id: $id) { hasAcknowledged(alertId: $alert) } }', { id: author!.id, alert: alert!.id }, coordinator);
    await send('Member.posts, Member.registrations', 'query($id: ID!) { member(id: $id) { posts(first: 5) { edges { node { id } } } registrations { id } permanences { id } } }', { id: member.id.value }, coordinator);

    const auditFilters: Record<string, Record<string, unknown>> = {
      none: {},
      actorId: { actorId: author!.id },
      subjectId: { subjectId: author!.id },
      period: { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' },
    };
    for (const [name, filter] of Object.entries(auditFilters)) {
      await bothPages(`auditLog(${name})`, 'auditLog', 'id at', { filter: { type: 'AuditFilter', value: filter } }, admin);
    }

    // Everything held about a member, gathered from the three subgraphs by member id; the keys of a département.
    await send('myPersonalData', '{ myPersonalData }', {}, promeneur);
    await send('apiKeys', '{ apiKeys { id } }', {}, coordinator);

    // The product pages of the benchmark.
    for (const page of [directoryPage(department, 20), feedPage(20), coordinatorReport(department, { from: '2025-11-01', to: '2026-10-31' }, 20)]) {
      await send(page.operationName, page.query, page.variables, coordinator);
    }
    await send('departmentStats', 'query($d: String!) { departmentStats(department: $d, year: 2026) { activePromeneurs eventsHeld minutesOnline postsPublished alertAcknowledgementRate } }', { d: department }, coordinator);

    // Last, as it ends the promeneur's account: the erasure, which every subgraph applies by member id
    // (its updates and deletes are EXPLAINed too); calendar and feed apply it from members' event log.
    const offsets = SERVICES.map((service) => system[service].logs.length);
    await send('eraseMyAccount', 'mutation($password: String!) { eraseMyAccount(password: $password) }', { password: BENCH_PASSWORD }, promeneur);
    for (const [i, service] of SERVICES.entries()) {
      if (service === 'members') continue;
      for (let attempt = 0; !system[service].logs.slice(offsets[i]).includes('erased member removed from'); attempt++) {
        if (attempt > 300) throw new Error(`${service} did not apply the erasure within 30 s`);
        await sleep(100);
      }
    }
    statements.push(...(await statementsSince(offsets, 'member erasure')));

    expect(statements.filter((statement) => /^\s*select/i.test(statement.sql)).length).toBeGreaterThan(50);
  }, 180_000);

  it('plans none of their reads with a sequential scan of a large table', async () => {
    const plans = await explainedReads();
    const unserved = plans.flatMap(({ statement, plan }) =>
      sequentialScans(plan).map((scan) => ({ statement, table: scan['Relation Name']!, filter: scan.Filter })),
    );
    for (const { statement, table, filter } of unserved) {
      console.log(`Seq Scan on ${statement.service}.${table} in ${statement.operation}${filter ? `, filter ${filter}` : ''}\n  ${statement.sql}`);
    }
    expect(unserved.map(({ statement, table }) => `${statement.service}.${table} in ${statement.operation}`)).toEqual([]);
  });

  it('has an index starting with every id or département that rows are looked up by', async () => {
    // On a small dataset the planner may read a whole index for its order and filter the rows one by
    // one rather than use another index: that is its choice to make. What must not happen is that no
    // index could serve the lookup at all (e.g. a member's comments by author_id).
    const plans = await explainedReads();
    const missing = new Set<string>();
    for (const { statement, plan } of plans) {
      for (const read of filteredWholeReads(plan)) {
        const table = read['Relation Name']!;
        for (const column of lookupKeys(read.Filter!)) {
          if (!indexedColumns[statement.service].has(`${table}.${column}`)) {
            missing.add(`${statement.service}.${table}.${column} in ${statement.operation}`);
            console.log(`No index on ${statement.service}.${table}(${column}…) for ${statement.operation}\n  ${statement.sql}`);
          }
        }
      }
    }
    expect([...missing]).toEqual([]);
  });
});

/** The first column of every index, per subgraph: `table.column`. */
const indexedColumns = {} as Record<ServiceName, Set<string>>;
let explained: { statement: Statement; plan: PlanNode }[] | undefined;

/** Every distinct read the operations sent, EXPLAINed on its subgraph's database with sequential scans priced out. */
async function explainedReads(): Promise<{ statement: Statement; plan: PlanNode }[]> {
  if (explained) return explained;
  const reads = new Map<string, Statement>();
  for (const statement of statements) {
    if (/^\s*(select|with|update|delete)\b/i.test(statement.sql)) reads.set(`${statement.service}:${statement.sql}`, statement);
  }
  const results: { statement: Statement; plan: PlanNode }[] = [];
  for (const service of SERVICES) {
    const client = new pg.Client({ connectionString: generated.databases[service] });
    await client.connect();
    try {
      const indexes = await client.query<{ name: string }>(
        `select t.relname || '.' || a.attname as name
           from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
           join pg_attribute a on a.attrelid = t.oid and a.attnum = i.indkey[0]
          where n.nspname = current_schema()`,
      );
      indexedColumns[service] = new Set(indexes.rows.map((row) => row.name));
      await client.query('set enable_seqscan = off');
      for (const statement of reads.values()) {
        if (statement.service !== service) continue;
        const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${statement.sql}`, statement.params);
        results.push({ statement, plan: rows[0]!['QUERY PLAN'][0].Plan });
      }
    } finally {
      await client.end();
    }
  }
  console.log(`${statements.length} statements sent, ${results.length} distinct reads EXPLAINed`);
  explained = results;
  return results;
}
