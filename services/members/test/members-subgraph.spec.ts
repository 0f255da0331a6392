import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { FORMER_MEMBER_ID } from '@pdn/domain';
import { signIdentity, type Caller } from '@pdn/identity';
import { identitySigningKey } from '@pdn/config';
import type { RunningSubgraph } from '@pdn/subgraph';
import { membersSchema, type MemberRow, type MembersSchema } from '../src/db/members.tables.js';
import { MEMBERS_MIGRATIONS, startMembers } from '../src/members-app.js';
import { loadMembersSettings } from '../src/members.config.js';
import { anonymous, callerFor, insertMember, insertStructure } from './members-fixtures.js';

// Response bodies are checked field by field below; their exact shape is the test's subject.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type GraphQLResponse = { data?: any; errors?: { extensions?: Record<string, unknown> }[] };

// The members subgraph as the gateway sees it: a real HTTP server, signed identities, federation's
// `_entities`, and the SQL it sends.
describe('members subgraph over HTTP', () => {
  const settings = loadMembersSettings({ MEMBERS_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const key = identitySigningKey(settings);
  const statements: string[] = [];
  let testDb: TestDatabase<MembersSchema>;
  let subgraph: RunningSubgraph;
  const people: MemberRow[] = [];
  const structureIds: string[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'members', migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema, onQuery: (sql) => statements.push(sql) });
    for (let s = 0; s < 12; s++) {
      const structure = await insertStructure(testDb.database, { name: `Structure ${s}`, commune: 'Auch' });
      structureIds.push(structure.id);
      for (let m = 0; m < 5; m++) people.push(await insertMember(testDb.database, { firstName: `P${s}x${m}`, lastName: 'Gers', phone: '+33562000000' }, structure));
    }
    subgraph = await startMembers(settings, { database: testDb.database });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  async function post(body: unknown, headers: Record<string, string>) {
    const response = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as GraphQLResponse };
  }
  const as = (caller: Caller) => ({ ...signIdentity(caller, key) });

  it('should refuse a request without an identity signature', async () => {
    const { status, body } = await post({ query: '{ members { totalCount } }' }, {});
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('should refuse an identity signed with another key', async () => {
    const forged = signIdentity({ kind: 'member', memberId: people[0]!.id, role: 'ADMIN', status: 'ACTIVE', departments: [] }, 'x'.repeat(40));
    const { status } = await post({ query: '{ me { id } }' }, { ...forged });
    expect(status).toBe(401);
  });

  const entitiesQuery = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
    ... on Member { id displayName email phone structure { name } }
    ... on Structure { id name }
  } }`;

  async function resolveReferences(count: number) {
    const representations = [
      ...people.slice(0, count).map((p) => ({ __typename: 'Member', id: p.id })),
      ...structureIds.slice(0, Math.ceil(count / 5)).map((id) => ({ __typename: 'Structure', id })),
    ];
    statements.length = 0;
    const { body } = await post({ query: entitiesQuery, variables: { representations } }, as(anonymous));
    return { body, statements: statements.length };
  }

  it('should resolve any number of references with the same number of SQL statements', async () => {
    const small = await resolveReferences(5);
    const large = await resolveReferences(60);
    expect(small.body.errors).toBeUndefined();
    expect(large.body.data._entities).toHaveLength(60 + 12);
    expect(large.statements).toBe(small.statements);
    // One statement per batch: the Member references, the Structure references (same tick, their own
    // loader), then the members' structures.
    expect(large.statements).toBe(3);
  });

  it('should hide contact fields in _entities from anonymous callers and show them to network members', async () => {
    const representations = [{ __typename: 'Member', id: people[0]!.id }];
    const hidden = await post({ query: entitiesQuery, variables: { representations } }, as(anonymous));
    expect(hidden.body.data._entities[0]).toMatchObject({ displayName: people[0]!.displayName, email: null, phone: null });
    const shown = await post({ query: entitiesQuery, variables: { representations } }, as(callerFor(people[1]!)));
    expect(shown.body.data._entities[0]).toMatchObject({ email: people[0]!.email, phone: '+33562000000' });
  });

  it('should answer the former member of erased accounts as "Ancien membre", without a query for it, to every caller', async () => {
    const formerQuery = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Member { id firstName lastName displayName email phone role status jobTitle department themes audiences channels { handle } structure { name } statusHistory { reason } }
    } }`;
    const former = {
      id: FORMER_MEMBER_ID, firstName: 'Ancien', displayName: 'Ancien membre', email: null, phone: null, role: 'PROMENEUR', status: 'LEFT',
      jobTitle: null, department: '', themes: [], audiences: [], channels: [], structure: null, statusHistory: [],
    };
    const partner: Caller = { kind: 'partner', apiKeyId: 'key-1', scopes: ['DIRECTORY_READ'], departments: ['32'] };
    const admin: Caller = { kind: 'member', memberId: people[2]!.id, role: 'ADMIN', status: 'ACTIVE', departments: [] };

    statements.length = 0;
    const alone = await post({ query: formerQuery, variables: { representations: [{ __typename: 'Member', id: FORMER_MEMBER_ID }] } }, as(partner));
    expect(alone.body.errors).toBeUndefined();
    expect(alone.body.data._entities).toEqual([{ ...former, lastName: null, statusHistory: [] }]);
    expect(statements).toEqual([]);

    const representations = [
      { __typename: 'Member', id: people[0]!.id },
      { __typename: 'Member', id: FORMER_MEMBER_ID },
      { __typename: 'Member', id: people[1]!.id },
    ];
    for (const caller of [anonymous, callerFor(people[3]!), admin]) {
      const { body } = await post({ query: entitiesQuery, variables: { representations } }, as(caller));
      expect(body.errors).toBeUndefined();
      expect(body.data._entities).toEqual([
        expect.objectContaining({ id: people[0]!.id, displayName: people[0]!.displayName }),
        { id: FORMER_MEMBER_ID, displayName: 'Ancien membre', email: null, phone: null, structure: null },
        expect.objectContaining({ id: people[1]!.id, displayName: people[1]!.displayName }),
      ]);
    }
    const network = await post({ query: formerQuery, variables: { representations: [{ __typename: 'Member', id: FORMER_MEMBER_ID }] } }, as(admin));
    expect(network.body.data._entities).toEqual([{ ...former, lastName: 'membre' }]);

    const root = await post({ query: 'query ($id: ID!) { member(id: $id) { id } }', variables: { id: FORMER_MEMBER_ID } }, as(admin));
    expect(root.body.errors).toBeUndefined();
    expect(root.body.data.member).toBeNull();
  });

  it('should answer /healthz and /readyz without an identity', async () => {
    const origin = new URL(subgraph.url).origin;
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });
});
