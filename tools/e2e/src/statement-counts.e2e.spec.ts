import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the benchmark's own dataset, checked here (tools may not import tools)
import { memberEmail, type DatasetSummary } from '../../bench/src/dataset/index.js';
import { SERVICES, startGeneratedSystem, type GeneratedSystem, type ServiceName } from './generated-system.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the benchmark's own dataset and pages, checked here (tools may not import tools)
import {
  coordinatorReport,
  directoryPage,
  eventPage,
  feedPage,
  type OperationRequest,
} from '../../bench/src/scenarios/operations.js';
import { type RunningSystem } from './system.js';

// No N+1 (issue 7): the product pages S1–S4, sent through the real gateway to the built subgraphs on
// a generated dataset, cost the same number of SQL statements in each subgraph whatever their size.
// Each subgraph counts the statements sent while answering its GraphQL requests in
// `pdn_db_statements_total{service,origin="request"}` (libs/database), read on its /metrics before and
// after a page; the background work a page sets off (audit events consumed by members) is not the page's. A count that grows with the page size is a query per row,
// somewhere in an entity resolver or a field resolver: the test names the subgraph and both counts.


const SMALL = 5;
const LARGE = 25;
const REPORT_PERIOD = { from: '2025-11-01', to: '2026-10-31' };

type Counts = Record<ServiceName, number>;

let generated: GeneratedSystem;
let dataset: DatasetSummary;
let system: RunningSystem;
let token: string;

/** What the subgraphs' `pdn_db_statements_total{origin}` say so far. */
async function statementsSoFar(origin: 'request' | 'background' = 'request'): Promise<Counts> {
  const counts = {} as Counts;
  await Promise.all(
    SERVICES.map(async (service) => {
      const subgraph = system[service];
      const text = await (await fetch(`http://127.0.0.1:${subgraph.port}/metrics`)).text();
      const line = new RegExp(`^pdn_db_statements_total\\{service="${service}",origin="${origin}"\\} (\\d+)$`, 'm').exec(text);
      counts[service] = line ? Number(line[1]) : 0;
    }),
  );
  return counts;
}

/**
 * Waits until the subgraphs stop sending statements of this origin (a resolver's write that outlives
 * its answer; the events a page set off, applied by their consumers), so that what is counted next
 * is the next page's. Polled: two equal reads 200 ms apart.
 */
async function quiet(origin: 'request' | 'background' = 'request'): Promise<Counts> {
  let previous = await statementsSoFar(origin);
  for (let attempt = 0; attempt < 100; attempt++) {
    await sleep(200);
    const current = await statementsSoFar(origin);
    if (SERVICES.every((service) => current[service] === previous[service])) return current;
    previous = current;
  }
  throw new Error(`The subgraphs never stopped sending ${origin} statements.`);
}

function difference(after: Counts, before: Counts): Counts {
  return Object.fromEntries(SERVICES.map((service) => [service, after[service] - before[service]])) as Counts;
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function send(operation: OperationRequest): Promise<Record<string, unknown>> {
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(operation),
  });
  const answer = (await response.json()) as Answer;
  if (answer.errors?.length || !answer.data) {
    throw new Error(`${operation.operationName} failed: ${JSON.stringify(answer.errors ?? answer)}`);
  }
  return answer.data;
}

/**
 * The statements one request of `operation` costs in each subgraph. Measured until two requests in a
 * row agree, so that a statement from elsewhere landing in the window is not taken for the page's.
 * `background`: the statements the page set off after its answer (not asserted, printed: the audit
 * events of private reads, applied by members one transaction each).
 */
async function statementsOf(operation: OperationRequest): Promise<{ counts: Counts; background: Counts; data: Record<string, unknown> }> {
  let last: Counts | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await quiet();
    const backgroundBefore = await quiet('background');
    const data = await send(operation);
    const counts = difference(await statementsSoFar(), before);
    const background = difference(await quiet('background'), backgroundBefore);
    if (last && SERVICES.every((service) => last![service] === counts[service])) return { counts, background, data };
    last = counts;
  }
  throw new Error(`${operation.operationName}: the statement counts never settled (last ${JSON.stringify(last)})`);
}

const query = <T extends Record<string, unknown>>(service: ServiceName, text: string, values: unknown[] = []) => generated.sql<T>(service, text, values);

/** Sends both sizes (a warm-up first, so that caches filled by a first request are not counted) and compares. */
async function expectConstant(page: string, small: OperationRequest, large: OperationRequest) {
  await send(large);
  const atSmall = await statementsOf(small);
  const atLarge = await statementsOf(large);
  console.log(
    `${page}: SQL statements per subgraph, small page ${JSON.stringify(atSmall.counts)}, large page ${JSON.stringify(atLarge.counts)}; ` +
      `set off in the background: small page ${JSON.stringify(atSmall.background)}, large page ${JSON.stringify(atLarge.background)}`,
  );
  expect({ page, counts: atLarge.counts }).toEqual({ page, counts: atSmall.counts });
  return { small: atSmall.data, large: atLarge.data };
}

function edgesOf(data: Record<string, unknown>, field: string): { node: Record<string, unknown> }[] {
  return (data[field] as { edges: { node: Record<string, unknown> }[] }).edges;
}

beforeAll(async () => {
  generated = await startGeneratedSystem({ seed: 7 });
  ({ system, dataset } = generated);
  token = await generated.login(memberEmail('COORDINATOR', dataset.largestDepartment.code, 1));
}, 240_000);

afterAll(async () => {
  await generated?.close();
});

describe('SQL statements per subgraph do not grow with the page size', () => {
  it(`S1 directory page: ${SMALL} and ${LARGE} members with structure, permanences, registrations and latest posts`, async () => {
    const department = dataset.largestDepartment.code;
    expect(dataset.largestDepartment.activePromeneurs).toBeGreaterThan(LARGE);
    const { small, large } = await expectConstant('S1', directoryPage(department, SMALL), directoryPage(department, LARGE));
    expect(edgesOf(small, 'members')).toHaveLength(SMALL);
    const members = edgesOf(large, 'members').map((edge) => edge.node);
    expect(members).toHaveLength(LARGE);
    // The page really reaches the three subgraphs for several members, or the counts prove nothing.
    expect(members.filter((m) => (m['registrations'] as unknown[]).length > 0).length).toBeGreaterThan(1);
    expect(members.filter((m) => (m['permanences'] as unknown[]).length > 0).length).toBeGreaterThan(1);
    expect(members.filter((m) => (m['posts'] as { totalCount: number }).totalCount > 0).length).toBeGreaterThan(1);
  });

  it(`S2 feed page: ${LARGE} and ${2 * LARGE} posts with authors, structures, originals and first comments`, async () => {
    // The gateway skips a fetch that has no entity to resolve: both pages hold republications, and
    // commented posts, so that they make the same fetches (the first few posts of the feed hold none).
    const { small, large } = await expectConstant('S2', feedPage(LARGE), feedPage(2 * LARGE));
    for (const [page, size] of [[small, LARGE], [large, 2 * LARGE]] as const) {
      const posts = edgesOf(page, 'feed').map((edge) => edge.node);
      expect(posts).toHaveLength(size);
      expect(posts.filter((p) => p['structure'] !== null).length).toBeGreaterThan(1);
      expect(posts.filter((p) => (p['comments'] as { totalCount: number }).totalCount > 0).length).toBeGreaterThan(1);
      expect(posts.filter((p) => p['republishedFrom'] !== null).length).toBeGreaterThan(0);
    }
  });

  it('S3 event page: an event with few registrations and one with many cost the same statements', async () => {
    const events = await query<{ event_id: string; n: number }>(
      'calendar',
      `select r.event_id, count(*)::int as n from registrations r join events e on e.id = r.event_id
        where e.department = $1 and r.member_id is not null group by r.event_id order by n, r.event_id`,
      [dataset.largestDepartment.code],
    );
    const fewest = events[0]!;
    const most = events[events.length - 1]!;
    expect(most.n).toBeGreaterThanOrEqual(2 * fewest.n);
    const { small, large } = await expectConstant('S3', eventPage(fewest.event_id), eventPage(most.event_id));
    expect((small['event'] as { registrations: unknown[] }).registrations).toHaveLength(fewest.n);
    expect((large['event'] as { registrations: unknown[] }).registrations).toHaveLength(most.n);
  });

  it(`S4 coordinator report: ${SMALL} and ${LARGE} members with presence through @requires`, async () => {
    const department = dataset.largestDepartment.code;
    const { large } = await expectConstant(
      'S4',
      coordinatorReport(department, REPORT_PERIOD, SMALL),
      coordinatorReport(department, REPORT_PERIOD, LARGE),
    );
    const members = edgesOf(large, 'members').map((edge) => edge.node);
    expect(members).toHaveLength(LARGE);
    expect(members.filter((m) => (m['presence'] as { minutesLogged: number }).minutesLogged > 0).length).toBeGreaterThan(1);
  });
});
