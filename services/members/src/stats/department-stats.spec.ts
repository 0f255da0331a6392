import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import type { Caller, MemberCaller } from '@pdn/identity';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { membersSchema, statusChanges, type MemberRow, type MembersSchema } from '../db/members.tables.js';
import { MEMBERS_MIGRATIONS, startMembers } from '../members-app.js';
import { loadMembersSettings } from '../members.config.js';
import { insertMember, insertStructure } from '../../test/members-fixtures.js';

const caller = (role: MemberCaller['role'], ...departments: string[]): MemberCaller => ({ kind: 'member', memberId: randomUUID(), role, status: 'ACTIVE', departments });
const gers = caller('COORDINATOR', '32');
const admin = caller('ADMIN');
const partner: Caller = { kind: 'partner', apiKeyId: randomUUID(), scopes: ['DIRECTORY_READ'], departments: ['32'] };

const STATS = `query ($department: String!, $year: Int!) { departmentStats(department: $department, year: $year) { department year activePromeneurs candidates structures } }`;
const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on DepartmentStats { department year activePromeneurs candidates structures } } }`;

// The directory's figures of the yearly bilan over HTTP: a small known history in the Gers (and
// around it: another département, another role, other years), counted at the end of each year in Paris.
describe('members subgraph: departmentStats', () => {
  const settings = loadMembersSettings({ MEMBERS_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  // Today: 15 June 2026. 2025 is over; 2026 is counted as it stands today.
  const now = new Date('2026-06-15T10:00:00+02:00');
  const statements: string[] = [];
  let testDb: TestDatabase<MembersSchema>;
  let subgraph: RunningSubgraph;
  const graphql = signedGraphql(() => subgraph.url, identitySigningKey(settings));

  /** A promeneur of the Gers created at `created`, with these status changes (the first one from null). */
  async function promeneur(name: string, created: string, status: string, history: [from: string | null, to: string, at: string][], department = '32'): Promise<MemberRow> {
    const row = await insertMember(testDb.database, { firstName: name, lastName: 'Gers', status, department, createdAt: new Date(created) });
    for (const [fromStatus, toStatus, at] of history) {
      await testDb.database.db.insert(statusChanges).values({ memberId: row.id, fromStatus, toStatus, reason: 'test', at: new Date(at) });
    }
    return row;
  }

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'members', migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema, onQuery: (sql) => statements.push(sql) });
    // Active since 2024.
    await promeneur('Anne', '2024-03-01T10:00:00Z', 'ACTIVE', [[null, 'CANDIDATE', '2024-03-01T10:00:00Z'], ['CANDIDATE', 'ACTIVE', '2024-05-01T10:00:00Z']]);
    // Joined and labelled in 2025, suspended in 2026: active at the end of 2025, not today.
    await promeneur('Bruno', '2025-02-01T10:00:00Z', 'SUSPENDED', [[null, 'CANDIDATE', '2025-02-01T10:00:00Z'], ['CANDIDATE', 'ACTIVE', '2025-06-01T10:00:00Z'], ['ACTIVE', 'SUSPENDED', '2026-02-01T10:00:00Z']]);
    // Still a candidate.
    await promeneur('Chloé', '2025-09-01T10:00:00Z', 'CANDIDATE', [[null, 'CANDIDATE', '2025-09-01T10:00:00Z']]);
    // Labelled at 00:30 on 1 January 2026 in Paris (23:30 UTC on 31 December): a candidate at the end of 2025.
    await promeneur('Denis', '2025-10-01T10:00:00Z', 'ACTIVE', [[null, 'CANDIDATE', '2025-10-01T10:00:00Z'], ['CANDIDATE', 'ACTIVE', '2025-12-31T23:30:00Z']]);
    // Left at 23:30 on 31 December 2025 in Paris: no longer active at the end of 2025.
    await promeneur('Emma', '2025-03-01T10:00:00Z', 'LEFT', [[null, 'CANDIDATE', '2025-03-01T10:00:00Z'], ['CANDIDATE', 'ACTIVE', '2025-04-01T10:00:00Z'], ['ACTIVE', 'LEFT', '2025-12-31T22:30:00Z']]);
    // Imported without a history: their current status is all there is.
    await promeneur('Fanny', '2024-01-15T10:00:00Z', 'ACTIVE', []);
    // Joined in 2026: nothing at the end of 2025.
    await promeneur('Gilles', '2026-03-01T10:00:00Z', 'ACTIVE', [[null, 'ACTIVE', '2026-03-01T10:00:00Z']]);
    // Imported without the first row, suspended in 2026: active until then (the status the change left).
    await promeneur('Hugo', '2024-01-15T10:00:00Z', 'SUSPENDED', [['ACTIVE', 'SUSPENDED', '2026-03-01T10:00:00Z']]);
    // Not promeneurs of the Gers: a coordinator, a promeneur and a candidate of Haute-Garonne.
    await insertMember(testDb.database, { firstName: 'Claire', lastName: 'Caf', role: 'COORDINATOR', createdAt: new Date('2024-01-01T10:00:00Z') });
    await promeneur('Inès', '2024-01-15T10:00:00Z', 'ACTIVE', [], '31');
    await promeneur('Jules', '2025-01-15T10:00:00Z', 'CANDIDATE', [], '31');
    // Structures: one from 2024, one from 2025, one created at 00:30 on 1 January 2026 in Paris; one in 31.
    await insertStructure(testDb.database, { name: "BIJ d'Auch", commune: 'Auch', createdAt: new Date('2024-05-01T10:00:00Z') });
    await insertStructure(testDb.database, { name: 'MJC de Condom', commune: 'Condom', createdAt: new Date('2025-06-01T10:00:00Z') });
    await insertStructure(testDb.database, { name: 'Centre social de Fleurance', commune: 'Fleurance', createdAt: new Date('2025-12-31T23:30:00Z') });
    await insertStructure(testDb.database, { name: 'Mission locale', commune: 'Toulouse', department: '31', createdAt: new Date('2024-05-01T10:00:00Z') });
    subgraph = await startMembers(settings, { database: testDb.database, clock: { now: () => now } });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  it("should count the Gers' promeneurs by their status at the end of a past year, and its structures then", async () => {
    const body = await graphql(STATS, gers, { department: '32', year: 2025 });
    expect(body.errors).toBeUndefined();
    // Active: Anne, Bruno, Fanny, Hugo. Candidates: Chloé, Denis.
    expect(body.data.departmentStats).toEqual({ department: '32', year: 2025, activePromeneurs: 4, candidates: 2, structures: 2 });
  });

  it('should count the current year as it stands today', async () => {
    const body = await graphql(STATS, gers, { department: '32', year: 2026 });
    // Active: Anne, Denis, Fanny, Gilles. Candidate: Chloé.
    expect(body.data.departmentStats).toEqual({ department: '32', year: 2026, activePromeneurs: 4, candidates: 1, structures: 3 });
  });

  it('should let an admin read any département, the code normalised', async () => {
    const body = await graphql(STATS, admin, { department: ' 31 ', year: 2025 });
    expect(body.data.departmentStats).toEqual({ department: '31', year: 2025, activePromeneurs: 1, candidates: 1, structures: 1 });
    const empty = await graphql(STATS, admin, { department: '2a', year: 2025 });
    expect(empty.data.departmentStats).toEqual({ department: '2A', year: 2025, activePromeneurs: 0, candidates: 0, structures: 0 });
  });

  it('should resolve several years in one batch: one statement per figure, whatever the number of keys', async () => {
    const years = [2024, 2025, 2026].map((year) => ({ __typename: 'DepartmentStats', department: '32', year }));
    statements.length = 0;
    const one = await graphql(ENTITIES, gers, { representations: years.slice(0, 1) });
    const oneCost = statements.length;
    statements.length = 0;
    const three = await graphql(ENTITIES, gers, { representations: years });
    expect(three.errors).toBeUndefined();
    expect(three.data._entities).toEqual([
      // At the end of 2024: Anne, Fanny, Hugo; one structure.
      { department: '32', year: 2024, activePromeneurs: 3, candidates: 0, structures: 1 },
      { department: '32', year: 2025, activePromeneurs: 4, candidates: 2, structures: 2 },
      { department: '32', year: 2026, activePromeneurs: 4, candidates: 1, structures: 3 },
    ]);
    expect(one.data._entities).toEqual([three.data._entities[0]]);
    expect(statements.length).toBe(oneCost);
    expect(statements.length).toBe(2);
  });

  it('should answer several years in the order asked through departmentStatsOverYears, at the cost of one', async () => {
    const query = `query ($years: [Int!]!) { departmentStatsOverYears(department: "32", years: $years) { department year activePromeneurs candidates structures } }`;
    statements.length = 0;
    const body = await graphql(query, gers, { years: [2026, 2024, 2025] });
    expect(body.errors).toBeUndefined();
    expect(body.data.departmentStatsOverYears.map((s: { year: number; activePromeneurs: number; candidates: number }) => [s.year, s.activePromeneurs, s.candidates])).toEqual([
      [2026, 4, 1],
      [2024, 3, 0],
      [2025, 4, 2],
    ]);
    expect(statements.length).toBe(2);
    const refused = async (years: unknown[], who: Caller = gers) => (await graphql(query, who, { years })).errors?.[0]?.extensions;
    expect(await refused([])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'years' });
    expect(await refused(Array.from({ length: 11 }, (_, i) => 2015 + i))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'years' });
    expect(await refused([2025, 1990])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'years.1' });
    expect(await refused([2025], caller('PROMENEUR', '32'))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('should refuse anonymous callers, partners, promeneurs and the coordinators of another département', async () => {
    const code = async (who: Caller) => (await graphql(STATS, who, { department: '32', year: 2025 })).errors?.[0]?.extensions?.['code'];
    expect(await code({ kind: 'anonymous' })).toBe('UNAUTHENTICATED');
    expect(await code(partner)).toBe('FORBIDDEN');
    expect(await code(caller('PROMENEUR', '32'))).toBe('FORBIDDEN');
    expect(await code(caller('COORDINATOR', '31'))).toBe('FORBIDDEN');
  });

  it('should apply the same rule to _entities', async () => {
    const representations = [{ __typename: 'DepartmentStats', department: '32', year: 2025 }];
    for (const who of [caller('PROMENEUR', '32'), caller('COORDINATOR', '31'), partner]) {
      const body = await graphql(ENTITIES, who, { representations });
      expect(body.data?._entities?.[0] ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    }
  });

  it('should name the argument of an invalid département or year', async () => {
    const field = async (department: string, year: number) => (await graphql(STATS, gers, { department, year })).errors?.[0]?.extensions;
    expect(await field('99', 2025)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'department' });
    expect(await field('32', 1999)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    // Next year is the last one that can be asked for.
    expect(await field('32', 2028)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    expect((await graphql(STATS, gers, { department: '32', year: 2027 })).data.departmentStats).toMatchObject({ year: 2027, activePromeneurs: 4 });
  });
});
