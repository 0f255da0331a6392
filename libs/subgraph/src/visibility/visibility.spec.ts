import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Args, Directive, Field, ID, Int, Mutation, ObjectType, Parent, Query, ResolveField, ResolveReference, Resolver, Subscription } from '@nestjs/graphql';
import { type Client, createClient } from 'graphql-ws';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { type Caller, type MemberCaller, signIdentity } from '@pdn/identity';
import { RolesGuard } from '@pdn/identity/nest';
import { CLOCK } from '../clock.js';
import { globalProviders } from '../start-service.js';
import { startSubgraph, type RunningSubgraph } from '../start-subgraph.js';
import { subgraphGraphqlModule } from '../subgraph-graphql.module.js';
import { printSubgraphSdl } from '../start-subgraph.js';
import { signedGraphql } from '../testing.js';
import { AUDIT_SINK, type AuditSink, type PrivateRead } from './audit.js';
import { RequireScope, Visibility, VisibilitySubject } from './visibility.decorators.js';
import { partnerDepartments, partnerMaySee, viewedBySelf } from './visibility-rules.js';

const KEY = 'visibility-spec-signing-key-0123456789abc';
const logger = pino({ level: 'silent' });
const NOW = new Date('2026-04-01T10:00:00Z');

interface PersonRow {
  id: string;
  name: string;
  department: string;
  email: string;
  birthday: string;
  notes: string[];
  weeklyMinutes: number;
}

const people: PersonRow[] = [
  { id: 'p-1', name: 'Léa', department: '32', email: 'lea@example.org', birthday: '1990-01-01', notes: ['n1'], weeklyMinutes: 180 },
  { id: 'p-2', name: 'Marc', department: '32', email: 'marc@example.org', birthday: '1985-05-05', notes: ['n2'], weeklyMinutes: 120 },
  { id: 'p-3', name: 'Inès', department: '31', email: 'ines@example.org', birthday: '1992-02-02', notes: [], weeklyMinutes: 60 },
];
const byId = (id: string) => people.find((p) => p.id === id) ?? null;

@ObjectType()
@Directive('@key(fields: "id")')
@VisibilitySubject((person: PersonRow) => ({ memberId: person.id, department: person.department }))
class Person {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() department!: string;
  @Field(() => String, { nullable: true }) @Visibility('NETWORK') email!: string | null;
  @Field(() => String, { nullable: true }) @Visibility('PRIVATE') birthday!: string | null;
}

@ObjectType()
class Session {
  @Field() token!: string;
  @Field(() => Person) person!: PersonRow;
}

/** A tiny in-process stream for the subscription: every subscriber sees every published person. */
const listeners = new Set<(p: PersonRow) => void>();
function changes(): AsyncIterableIterator<PersonRow> {
  const queue: PersonRow[] = [];
  let wake: (() => void) | undefined;
  const push = (p: PersonRow) => {
    queue.push(p);
    wake?.();
  };
  listeners.add(push);
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return { value: queue.shift()!, done: false };
    },
    async return() {
      listeners.delete(push);
      return { value: undefined, done: true };
    },
  };
}

@Resolver(() => Person)
class PeopleResolver {
  @Query(() => [Person])
  @RequireScope('DIRECTORY_READ')
  people(): PersonRow[] {
    return people;
  }

  @Query(() => Person, { nullable: true })
  @RequireScope('DIRECTORY_READ', 'CALENDAR_READ')
  person(@Args('id', { type: () => ID }) id: string): PersonRow | null {
    return byId(id);
  }

  @Query(() => String, { description: 'No scope: closed to partners' })
  internals(): string {
    return 'members only';
  }

  @Mutation(() => Session, { description: 'Anonymous, like a sign-in: the person sees their own record' })
  signIn(@Args('id', { type: () => ID }) id: string) {
    return { token: 't', person: viewedBySelf(byId(id)!) };
  }

  @Subscription(() => Person, { resolve: (p: PersonRow) => p })
  @RequireScope('DIRECTORY_READ')
  personChanged() {
    return changes();
  }

  @ResolveField(() => [String], { description: 'PRIVATE, and a non-null list: hidden as []' })
  @Visibility('PRIVATE')
  notes(@Parent() person: PersonRow): Promise<string[]> {
    return Promise.resolve(person.notes);
  }

  @ResolveField(() => Int, { description: 'PRIVATE and non-null: hidden as an error on the field' })
  @Visibility('PRIVATE')
  weeklyMinutes(@Parent() person: PersonRow): number {
    return person.weeklyMinutes;
  }

  @ResolveReference()
  resolveReference(reference: { id: string }) {
    return byId(reference.id);
  }
}

/** What the mechanism hands the sink, one call per request (or subscription event). */
class RecordingSink implements AuditSink {
  readonly calls: PrivateRead[][] = [];
  async record(reads: PrivateRead[]) {
    this.calls.push(reads);
  }
}
const sink = new RecordingSink();

@Module({
  imports: [
    globalProviders([
      { provide: AUDIT_SINK, useValue: sink },
      { provide: CLOCK, useValue: { now: () => NOW } },
    ]),
    subgraphGraphqlModule({ exposeInternals: false, logger, subscriptions: { identitySigningKey: KEY } }),
  ],
  providers: [PeopleResolver, { provide: APP_GUARD, useClass: RolesGuard }],
})
class PeopleModule {}

const member = (overrides: Partial<MemberCaller> = {}): MemberCaller => ({
  kind: 'member',
  memberId: 'm-other',
  role: 'PROMENEUR',
  status: 'ACTIVE',
  departments: ['32'],
  ...overrides,
});
const partner = (scopes: ('DIRECTORY_READ' | 'CALENDAR_READ' | 'FEED_READ' | 'ALERTS_READ')[], departments = ['32']): Caller => ({
  kind: 'partner',
  apiKeyId: 'key-1',
  scopes,
  departments,
});

// Each caller kind against each layer, for p-1 (département 32): [email (NETWORK), birthday (PRIVATE)].
const matrix: [string, Caller, boolean, boolean][] = [
  ['an anonymous caller', { kind: 'anonymous' }, false, false],
  ['a partner application', partner(['DIRECTORY_READ']), false, false],
  ['an active promeneur', member(), true, false],
  ['a candidate', member({ status: 'CANDIDATE' }), true, false],
  ['a suspended member', member({ status: 'SUSPENDED' }), false, false],
  ['a member who left', member({ status: 'LEFT' }), false, false],
  ['the member themself', member({ memberId: 'p-1' }), true, true],
  ['the member themself, suspended', member({ memberId: 'p-1', status: 'SUSPENDED' }), true, true],
  ["a coordinator of the member's département", member({ memberId: 'c-32', role: 'COORDINATOR', departments: ['32'] }), true, true],
  ['a coordinator of another département', member({ memberId: 'c-31', role: 'COORDINATOR', departments: ['31'] }), true, false],
  ['an admin', member({ memberId: 'a-1', role: 'ADMIN', departments: [] }), true, true],
];

describe('visibility, scopes and audit: one mechanism for every subgraph', () => {
  let running: RunningSubgraph;
  let graphql: ReturnType<typeof signedGraphql>;

  beforeAll(async () => {
    running = await startSubgraph(PeopleModule, { name: 'people', host: '127.0.0.1', port: 0, identitySigningKey: KEY, logger, readiness: async () => {} });
    graphql = signedGraphql(() => running.url, KEY);
  });

  afterAll(async () => {
    await running?.close();
  });

  describe.each(matrix)('for %s', (_who, caller, network, privateLayer) => {
    const expected = {
      id: 'p-1',
      name: 'Léa',
      email: network ? 'lea@example.org' : null,
      birthday: privateLayer ? '1990-01-01' : null,
      notes: privateLayer ? ['n1'] : [],
    };

    it('should show each field of its layer and hide the others as null (or []), without errors, in a query', async () => {
      const { data, errors } = await graphql('{ person(id: "p-1") { id name email birthday notes } }', caller);
      expect(errors).toBeUndefined();
      expect(data.person).toEqual(expected);
    });

    it("should apply the same rules through federation's _entities", async () => {
      const { data, errors } = await graphql(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id name email birthday notes } } }',
        caller,
        { r: [{ __typename: 'Person', id: 'p-1' }] },
      );
      expect(errors).toBeUndefined();
      expect(data._entities).toEqual([expected]);
    });
  });

  describe('a hidden non-null field (no value to make up): an error on the field, with its path', () => {
    const hiddenFrom = matrix.filter(([, , , privateLayer]) => !privateLayer);
    const shownTo = matrix.filter(([, , , privateLayer]) => privateLayer);
    const codeFor = (caller: Caller) => (caller.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');

    it.each(hiddenFrom)('should refuse it to %s in a query, the nullable fields beside it still null without an error', async (_who, caller) => {
      const refused = await graphql('{ person(id: "p-1") { id weeklyMinutes } }', caller);
      expect(refused.errors).toHaveLength(1);
      expect(refused.errors?.[0]).toMatchObject({ path: ['person', 'weeklyMinutes'], extensions: { code: codeFor(caller) } });
      expect(refused.errors?.[0]?.message).toContain('Person.weeklyMinutes');
      // The error nulls its nearest nullable parent, as GraphQL says.
      expect(refused.data).toEqual({ person: null });
      const nullable = await graphql('{ person(id: "p-1") { id birthday } }', caller);
      expect(nullable.errors).toBeUndefined();
      expect(nullable.data.person).toEqual({ id: 'p-1', birthday: null });
    });

    it.each(hiddenFrom)("should refuse it to %s through federation's _entities, for that entity only", async (_who, caller) => {
      const { data, errors } = await graphql(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id birthday weeklyMinutes } } }',
        caller,
        { r: [{ __typename: 'Person', id: 'p-1' }] },
      );
      expect(errors).toHaveLength(1);
      expect(errors?.[0]).toMatchObject({ path: ['_entities', 0, 'weeklyMinutes'], extensions: { code: codeFor(caller) } });
      expect(data._entities).toEqual([null]);
    });

    it.each(shownTo)('should show it to %s, in a query and through _entities', async (_who, caller) => {
      const query = await graphql('{ person(id: "p-1") { weeklyMinutes } }', caller);
      expect(query.errors).toBeUndefined();
      expect(query.data.person).toEqual({ weeklyMinutes: 180 });
      const entities = await graphql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { weeklyMinutes } } }', caller, {
        r: [{ __typename: 'Person', id: 'p-1' }],
      });
      expect(entities.errors).toBeUndefined();
      expect(entities.data._entities).toEqual([{ weeklyMinutes: 180 }]);
    });

    it('should refuse only the entities the caller may not see, and audit only the values shown', async () => {
      sink.calls.length = 0;
      const outsider = member({ memberId: 'c-31', role: 'COORDINATOR', departments: ['31'] });
      const { data, errors } = await graphql(
        'query Minutes { _entities(representations: [{ __typename: "Person", id: "p-1" }, { __typename: "Person", id: "p-3" }]) { ... on Person { id weeklyMinutes } } }',
        outsider,
      );
      expect(errors?.map((e) => [e.path, e.extensions?.['code']])).toEqual([[['_entities', 0, 'weeklyMinutes'], 'FORBIDDEN']]);
      expect(data._entities).toEqual([null, { id: 'p-3', weeklyMinutes: 60 }]);
      expect(sink.calls).toEqual([[expect.objectContaining({ subjectId: 'p-3', fields: ['weeklyMinutes'], operationName: 'Minutes' })]]);
    });
  });

  it('should show a record viewed by its own member in full, even to an anonymous request, without auditing it', async () => {
    sink.calls.length = 0;
    const { data, errors } = await graphql('mutation { signIn(id: "p-2") { person { email birthday notes } } }', { kind: 'anonymous' });
    expect(errors).toBeUndefined();
    expect(data.signIn.person).toEqual({ email: 'marc@example.org', birthday: '1985-05-05', notes: ['n2'] });
    expect(sink.calls).toEqual([]);
  });

  describe('scopes and partner applications', () => {
    it('should refuse a partner whose key lacks the scope of a root field with FORBIDDEN', async () => {
      const { data, errors } = await graphql('{ people { id } }', partner(['FEED_READ']));
      expect(errors?.[0]).toMatchObject({ path: ['people'], extensions: { code: 'FORBIDDEN' } });
      expect(data).toBeNull();
    });

    it('should accept any one of the scopes a root field lists', async () => {
      const { data, errors } = await graphql('{ person(id: "p-2") { name } }', partner(['CALENDAR_READ']));
      expect(errors).toBeUndefined();
      expect(data.person).toEqual({ name: 'Marc' });
    });

    it('should close a root field without scopes to partners, not to members or anonymous callers', async () => {
      expect((await graphql('{ internals }', partner(['DIRECTORY_READ', 'CALENDAR_READ', 'FEED_READ', 'ALERTS_READ']))).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      expect((await graphql('{ internals }', member())).data).toEqual({ internals: 'members only' });
      expect((await graphql('{ internals }', { kind: 'anonymous' })).data).toEqual({ internals: 'members only' });
    });

    it('should refuse every mutation to partners', async () => {
      const { errors } = await graphql('mutation { signIn(id: "p-1") { token } }', partner(['DIRECTORY_READ']));
      expect(errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    });

    it("should leave federation's _entities open to partners: the fields are what is guarded", async () => {
      const { data, errors } = await graphql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { name email } } }', partner([]), {
        r: [{ __typename: 'Person', id: 'p-3' }],
      });
      expect(errors).toBeUndefined();
      expect(data._entities).toEqual([{ name: 'Inès', email: null }]);
    });
  });

  describe('partner départements', () => {
    const key = partner(['DIRECTORY_READ'], ['32', '40']) as Extract<Caller, { kind: 'partner' }>;

    it("should narrow a list to the key's départements, or to the one asked for", () => {
      expect(partnerDepartments(key)).toEqual(['32', '40']);
      expect(partnerDepartments(key, '40')).toEqual(['40']);
      expect(partnerDepartments(member(), '31')).toBeNull();
      expect(partnerDepartments({ kind: 'anonymous' })).toBeNull();
    });

    it('should refuse a département outside the key, and a key without départements, with FORBIDDEN', () => {
      expect(() => partnerDepartments(key, '31')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
      expect(() => partnerDepartments(partner(['DIRECTORY_READ'], []))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    });

    it("should let a partner see a single entity only within its key's départements", () => {
      expect(partnerMaySee(key, '32')).toBe(true);
      expect(partnerMaySee(key, '31')).toBe(false);
      expect(partnerMaySee(key, ['31', '40'])).toBe(true);
      expect(partnerMaySee(key, null)).toBe(false);
      expect(partnerMaySee(member(), '31')).toBe(true);
    });
  });

  describe('audit of private reads', () => {
    const coordinator = member({ memberId: 'c-32', role: 'COORDINATOR', departments: ['32', '31'] });

    it('should record one read per subject per request, listing its private fields, with the client operation name', async () => {
      sink.calls.length = 0;
      const { errors } = await graphql('query Roster__people__0 { people { id email birthday notes } again: people { birthday } }', coordinator);
      expect(errors).toBeUndefined();
      expect(sink.calls).toHaveLength(1);
      const reads = sink.calls[0]!;
      expect(reads.map((r) => r.subjectId).sort()).toEqual(['p-1', 'p-2', 'p-3']);
      for (const read of reads) {
        expect(read).toEqual({
          actor: { kind: 'member', memberId: 'c-32' },
          subjectId: read.subjectId,
          fields: ['birthday', 'notes'],
          operationName: 'Roster',
          at: NOW,
          requestId: expect.any(String),
        });
      }
    });

    it("should not record a member's reads of their own record, nor reads of NETWORK fields, nor hidden fields", async () => {
      sink.calls.length = 0;
      await graphql('{ person(id: "p-1") { email birthday notes } }', member({ memberId: 'p-1' }));
      await graphql('{ people { email } }', coordinator);
      await graphql('{ people { birthday notes } }', member());
      expect(sink.calls).toEqual([]);
    });

    it('should record private reads through _entities too, for the fields only some subjects showed', async () => {
      sink.calls.length = 0;
      const outsider = member({ memberId: 'c-31', role: 'COORDINATOR', departments: ['31'] });
      await graphql('query Who { _entities(representations: [{ __typename: "Person", id: "p-1" }, { __typename: "Person", id: "p-3" }]) { ... on Person { birthday } } }', outsider);
      expect(sink.calls).toEqual([[expect.objectContaining({ subjectId: 'p-3', fields: ['birthday'], operationName: 'Who' })]]);
    });
  });

  describe('subscriptions', () => {
    function connect(caller: Caller): Client {
      return createClient({ url: running.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { ...signIdentity(caller, KEY) }, retryAttempts: 0 });
    }

    async function waitForListeners(count: number) {
      for (let i = 0; i < 200 && listeners.size !== count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(listeners.size).toBe(count);
    }

    it('should refuse a subscription to a partner without the scope', async () => {
      const client = connect(partner(['FEED_READ']));
      const iterator = client.iterate({ query: 'subscription { personChanged { id } }' });
      const result = await iterator.next();
      expect((result.value as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('FORBIDDEN');
      await client.dispose();
    });

    it('should hide fields in each event as in queries, and audit each event that shows private fields', async () => {
      sink.calls.length = 0;
      const withScope = connect(partner(['DIRECTORY_READ']));
      const coordinator = connect(member({ memberId: 'c-32', role: 'COORDINATOR' }));
      type Event = { data: { personChanged: { email: string | null; birthday: string | null } } };
      const seenByPartner = withScope.iterate<Event['data']>({ query: 'subscription { personChanged { email birthday } }' });
      const seenByCoordinator = coordinator.iterate<Event['data']>({ query: 'subscription Watch { personChanged { email birthday } }' });
      const partnerEvent = seenByPartner.next();
      const coordinatorEvent = seenByCoordinator.next();
      await waitForListeners(2);
      for (const push of listeners) push(people[0]!);
      expect((await partnerEvent).value).toEqual({ data: { personChanged: { email: null, birthday: null } } });
      expect((await coordinatorEvent).value).toEqual({ data: { personChanged: { email: 'lea@example.org', birthday: '1990-01-01' } } });
      expect(sink.calls).toEqual([[expect.objectContaining({ subjectId: 'p-1', fields: ['birthday'], operationName: 'Watch', actor: { kind: 'member', memberId: 'c-32' } })]]);
      await seenByPartner.return?.();
      await seenByCoordinator.return?.();
      await withScope.dispose();
      await coordinator.dispose();
    });
  });

  it('should print the directives in the subgraph SDL, declared once', async () => {
    const sdl = await printSubgraphSdl(PeopleModule);
    expect(sdl).toContain('directive @visibility(layer: String!) on FIELD_DEFINITION');
    expect(sdl).toMatch(/birthday: String @visibility\(layer: "PRIVATE"\)/);
    expect(sdl).toMatch(/people: \[Person!\]! @requireScope\(scopes: \["DIRECTORY_READ"\]\)/);
  });
});
