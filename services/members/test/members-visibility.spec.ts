import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, openDatabase, type TestDatabase } from '@pdn/database';
import type { ApiScope, Caller } from '@pdn/identity';
import { signedGraphql, type GraphQLResponse } from '@pdn/subgraph/testing';
import { privateReadFromPayload, privateReadPayload, type RunningSubgraph } from '@pdn/subgraph';
import { AuditRepository } from '../src/audit/audit.repository.js';
import { AuditService } from '../src/audit/audit.service.js';
import { MembersAuditSink } from '../src/audit/audit.sink.js';
import { auditEntries } from '../src/db/audit.tables.js';
import { membersSchema, statusChanges, type MemberRow, type MembersSchema, type StructureRow } from '../src/db/members.tables.js';
import { MEMBERS_MIGRATIONS, startMembers } from '../src/members-app.js';
import { loadMembersSettings } from '../src/members.config.js';
import { anonymous, callerFor, insertMember, insertStructure } from './members-fixtures.js';

const codeOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.['code'];
const DAY_MS = 86_400_000;

// Who sees what of the directory, partner applications' scopes and départements, and the audit log
// of private reads, as the gateway meets them: a real subgraph over HTTP with signed identities.
describe('members subgraph: visibility, partners and the audit of private reads', () => {
  const settings = loadMembersSettings({ MEMBERS_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent', AUDIT_RETENTION_DAYS: '30' });
  let now = new Date('2026-04-01T08:00:00Z');
  let testDb: TestDatabase<MembersSchema>;
  let subgraph: RunningSubgraph;
  let graphql: ReturnType<typeof signedGraphql>;
  let gers: StructureRow;
  let landes: StructureRow;
  let lea: MemberRow;
  let marc: MemberRow;
  let candidate: MemberRow;
  let ines: MemberRow;
  let coordinator: MemberRow;
  let admin: MemberRow;

  const partner = (scopes: ApiScope[], departments = ['32']): Caller => ({ kind: 'partner', apiKeyId: randomUUID(), scopes, departments });
  const entries = () => testDb.database.db.select().from(auditEntries);
  const clearAudit = () => testDb.database.db.delete(auditEntries);

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'members', migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema });
    const db = testDb.database;
    gers = await insertStructure(db, { name: "BIJ d'Auch", commune: 'Auch', department: '32' });
    landes = await insertStructure(db, { name: 'MJC de Dax', commune: 'Dax', department: '40' });
    lea = await insertMember(db, { firstName: 'Léa', lastName: 'Armagnac', phone: '+33562000001', charterAcceptedAt: new Date('2025-01-01T00:00:00Z') }, gers);
    marc = await insertMember(db, { firstName: 'Marc', lastName: 'Gascon', charterAcceptedAt: new Date('2025-02-01T00:00:00Z') }, gers);
    candidate = await insertMember(db, { firstName: 'Zoé', lastName: 'Candidate', status: 'CANDIDATE' }, gers);
    ines = await insertMember(db, { firstName: 'Inès', lastName: 'Landaise' }, landes);
    coordinator = await insertMember(db, { firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' }, gers);
    admin = await insertMember(db, { firstName: 'Ada', lastName: 'Admin', role: 'ADMIN', department: '75' });
    await db.db.insert(statusChanges).values({ memberId: lea.id, fromStatus: 'CANDIDATE', toStatus: 'ACTIVE', reason: 'comité', byMemberId: coordinator.id });
    subgraph = await startMembers(settings, { database: db, clock: { now: () => now } });
    graphql = signedGraphql(() => subgraph.url, identitySigningKey(settings));
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  const memberQuery = 'query OneMember($id: ID!) { member(id: $id) { id displayName lastName email charterAcceptedAt statusHistory { to } } }';

  describe('who sees which fields of a member', () => {
    it('should show anonymous callers and partners the public face only', async () => {
      for (const caller of [anonymous, partner(['DIRECTORY_READ'])]) {
        const { data, errors } = await graphql(memberQuery, caller, { id: lea.id });
        expect(errors).toBeUndefined();
        expect(data.member).toEqual({ id: lea.id, displayName: lea.displayName, lastName: null, email: null, charterAcceptedAt: null, statusHistory: [] });
      }
    });

    it('should show network members the contact details, and not the private fields', async () => {
      const { data } = await graphql(memberQuery, callerFor(marc), { id: lea.id });
      expect(data.member).toMatchObject({ lastName: 'Armagnac', email: lea.email, charterAcceptedAt: null, statusHistory: [] });
    });

    it('should show the member themself and their coordinators everything', async () => {
      for (const caller of [callerFor(lea), callerFor(coordinator), callerFor(admin)]) {
        const { data } = await graphql(memberQuery, caller, { id: lea.id });
        expect(data.member).toMatchObject({ lastName: 'Armagnac', statusHistory: [{ to: 'ACTIVE' }] });
        expect(Date.parse(data.member.charterAcceptedAt)).toBe(Date.parse('2025-01-01T00:00:00Z'));
      }
    });

    it("should hide the private fields from a coordinator of another département, who sees the network's layer", async () => {
      const elsewhere = await insertMember(testDb.database, { firstName: 'Paul', lastName: 'Landes', role: 'COORDINATOR' }, landes);
      const { data } = await graphql(memberQuery, callerFor(elsewhere), { id: lea.id });
      expect(data.member).toMatchObject({ email: lea.email, charterAcceptedAt: null, statusHistory: [] });
    });
  });

  describe('partner applications', () => {
    const directory = '{ members { totalCount edges { node { id department email } } } }';

    it('should refuse a key without DIRECTORY_READ with FORBIDDEN, on members, member, structures and structure', async () => {
      const key = partner(['CALENDAR_READ', 'FEED_READ', 'ALERTS_READ']);
      expect(codeOf(await graphql(directory, key))).toBe('FORBIDDEN');
      expect(codeOf(await graphql(memberQuery, key, { id: lea.id }))).toBe('FORBIDDEN');
      expect(codeOf(await graphql('{ structures { totalCount } }', key))).toBe('FORBIDDEN');
      expect(codeOf(await graphql('query ($id: ID!) { structure(id: $id) { name } }', key, { id: gers.id }))).toBe('FORBIDDEN');
    });

    it("should list the active promeneurs of the key's départements only, without contact details", async () => {
      const { data, errors } = await graphql(directory, partner(['DIRECTORY_READ'], ['32']));
      expect(errors).toBeUndefined();
      const ids = data.members.edges.map((e: { node: { id: string } }) => e.node.id);
      expect(ids.sort()).toEqual([lea.id, marc.id].sort());
      expect(data.members.edges.every((e: { node: { email: string | null } }) => e.node.email === null)).toBe(true);
      const both = await graphql(directory, partner(['DIRECTORY_READ'], ['32', '40']));
      expect(both.data.members.totalCount).toBe(3);
    });

    it('should refuse a list of another département with FORBIDDEN, and narrow to one of its own when asked', async () => {
      const key = partner(['DIRECTORY_READ'], ['32', '40']);
      expect(codeOf(await graphql('{ members(filter: { department: "31" }) { totalCount } }', key))).toBe('FORBIDDEN');
      expect(codeOf(await graphql('{ structures(filter: { department: "31" }) { totalCount } }', key))).toBe('FORBIDDEN');
      const landesOnly = await graphql('{ members(filter: { department: "40" }) { edges { node { id } } } }', key);
      expect(landesOnly.data.members.edges).toEqual([{ node: { id: ines.id } }]);
    });

    it("should answer a member or structure outside the key's départements as absent", async () => {
      const key = partner(['DIRECTORY_READ'], ['32']);
      expect((await graphql(memberQuery, key, { id: ines.id })).data.member).toBeNull();
      expect((await graphql('query ($id: ID!) { structure(id: $id) { name } }', key, { id: landes.id })).data.structure).toBeNull();
      expect((await graphql('query ($id: ID!) { structure(id: $id) { name } }', key, { id: gers.id })).data.structure).toEqual({ name: "BIJ d'Auch" });
      const structures = await graphql('{ structures { edges { node { department } } } }', key);
      expect(structures.data.structures.edges).toEqual([{ node: { department: '32' } }]);
    });

    it('should not list candidates, coordinators or anyone but active promeneurs, even when asked', async () => {
      const { data } = await graphql('{ members(filter: { statuses: [CANDIDATE, ACTIVE] }) { edges { node { id } } } }', partner(['DIRECTORY_READ']));
      expect(data.members.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(candidate.id);
      expect(data.members.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(coordinator.id);
    });

    it("should keep a member reached from another subgraph (a post's author) public, whatever its département", async () => {
      const { data, errors } = await graphql(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Member { displayName email } ... on Structure { name } } }',
        partner(['FEED_READ'], ['32']),
        { r: [{ __typename: 'Member', id: ines.id }, { __typename: 'Structure', id: landes.id }] },
      );
      expect(errors).toBeUndefined();
      expect(data._entities).toEqual([{ displayName: ines.displayName, email: null }, { name: 'MJC de Dax' }]);
    });

    it('should refuse partners every mutation, and me', async () => {
      const key = partner(['DIRECTORY_READ', 'CALENDAR_READ', 'FEED_READ', 'ALERTS_READ']);
      expect(codeOf(await graphql('mutation { login(email: "a@b.fr", password: "whatever-long") { accessToken } }', key))).toBe('FORBIDDEN');
      expect(codeOf(await graphql('{ me { id } }', key))).toBe('FORBIDDEN');
    });
  });

  describe('the audit of private reads', () => {
    it('should record a coordinator reading private fields: who, whose, which fields, when, through which operation', async () => {
      await clearAudit();
      const { errors } = await graphql(memberQuery, callerFor(coordinator), { id: lea.id });
      expect(errors).toBeUndefined();
      expect(await entries()).toEqual([
        expect.objectContaining({
          actorKind: 'member',
          actorId: coordinator.id,
          subjectId: lea.id,
          fields: ['charterAcceptedAt', 'statusHistory'],
          operationName: 'OneMember',
          service: 'members',
          at: now,
        }),
      ]);
    });

    it('should write one entry per subject per request, however many fields and times they are read', async () => {
      await clearAudit();
      const query = `query Roster__members__0 {
        members(filter: { department: "32" }) { edges { node { id charterAcceptedAt statusHistory { to } } } }
        again: members(filter: { department: "32" }) { edges { node { id charterAcceptedAt } } }
      }`;
      const { data, errors } = await graphql(query, callerFor(coordinator));
      expect(errors).toBeUndefined();
      const listed = data.members.edges.length;
      const rows = await entries();
      // The coordinator reads their own record too: that one is not audited.
      expect(rows).toHaveLength(listed - 1);
      expect(new Set(rows.map((r) => r.subjectId)).size).toBe(rows.length);
      expect(rows.every((r) => r.operationName === 'Roster' && r.fields.join() === 'charterAcceptedAt,statusHistory')).toBe(true);
    });

    it("should not record a member's reads of their own record, network reads, or reads that showed nothing private", async () => {
      await clearAudit();
      await graphql(memberQuery, callerFor(lea), { id: lea.id });
      await graphql('{ me { charterAcceptedAt statusHistory { to } } }', callerFor(coordinator));
      await graphql(memberQuery, callerFor(marc), { id: lea.id });
      await graphql('query ($id: ID!) { member(id: $id) { email phone } }', callerFor(coordinator), { id: lea.id });
      expect(await entries()).toEqual([]);
    });

    it("should record the private fields read through federation's _entities", async () => {
      await clearAudit();
      await graphql(
        'query Board__members__1($r: [_Any!]!) { _entities(representations: $r) { ... on Member { charterAcceptedAt } } }',
        callerFor(admin),
        { r: [{ __typename: 'Member', id: marc.id }] },
      );
      expect(await entries()).toEqual([expect.objectContaining({ actorId: admin.id, subjectId: marc.id, fields: ['charterAcceptedAt'], operationName: 'Board' })]);
    });
    it('should record the reads other subgraphs send as audit.private-read events, under their name', async () => {
      await clearAudit();
      const sent = privateReadPayload({ actor: { kind: 'member', memberId: coordinator.id }, subjectId: lea.id, fields: ['presence'], operationName: 'Compliance', at: now, requestId: 'r-1' });
      const sink = subgraph.app.get(MembersAuditSink, { strict: false });
      // Events travel as JSON; a read whose ids cannot be a member's or a key's is not kept.
      await sink.recordFrom('calendar', [privateReadFromPayload(JSON.parse(JSON.stringify(sent))), { ...privateReadFromPayload(sent), subjectId: 'm-7' }]);
      const { data } = await graphql('query ($s: ID!) { auditLog(filter: { subjectId: $s }) { edges { node { actor { id } fields operationName service } } } }', callerFor(admin), { s: lea.id });
      expect(data.auditLog.edges).toEqual([{ node: { actor: { id: coordinator.id }, fields: ['presence'], operationName: 'Compliance', service: 'calendar' } }]);
      expect(await entries()).toHaveLength(1);
    });
  });

  describe('auditLog', () => {
    const logQuery = `query ($filter: AuditFilter, $first: Int, $after: String) { auditLog(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id actor { id displayName } subject { id } fields operationName at } }
    } }`;
    let first: Date;

    beforeAll(async () => {
      await clearAudit();
      // Four reads on four days: the coordinator reads Léa twice and Marc once, the admin reads Marc.
      first = new Date('2026-03-01T09:00:00Z');
      const reads: [MemberRow, MemberRow][] = [
        [coordinator, lea],
        [coordinator, marc],
        [admin, marc],
        [coordinator, lea],
      ];
      for (const [i, [actor, subject]] of reads.entries()) {
        now = new Date(first.getTime() + i * DAY_MS);
        expect((await graphql(memberQuery, callerFor(actor), { id: subject.id })).errors).toBeUndefined();
      }
      now = new Date('2026-04-01T08:00:00Z');
    });

    it('should be for admins only', async () => {
      expect(codeOf(await graphql(logQuery, callerFor(coordinator)))).toBe('FORBIDDEN');
      expect(codeOf(await graphql(logQuery, anonymous))).toBe('UNAUTHENTICATED');
      expect(codeOf(await graphql(logQuery, partner(['DIRECTORY_READ', 'CALENDAR_READ', 'FEED_READ', 'ALERTS_READ'])))).toBe('FORBIDDEN');
    });

    it('should list the entries newest first, with the actor and subject as members', async () => {
      const { data, errors } = await graphql(logQuery, callerFor(admin));
      expect(errors).toBeUndefined();
      expect(data.auditLog.totalCount).toBe(4);
      const nodes = data.auditLog.edges.map((e: { node: unknown }) => e.node);
      expect(nodes[0]).toEqual({
        id: expect.any(String),
        actor: { id: coordinator.id, displayName: coordinator.displayName },
        subject: { id: lea.id },
        fields: ['charterAcceptedAt', 'statusHistory'],
        operationName: 'OneMember',
        at: expect.any(String),
      });
      expect(nodes.map((n: { at: string }) => Date.parse(n.at))).toEqual([3, 2, 1, 0].map((d) => first.getTime() + d * DAY_MS));
    });

    it('should filter by actor, subject and period', async () => {
      const bySubject = await graphql(logQuery, callerFor(admin), { filter: { subjectId: marc.id } });
      expect(bySubject.data.auditLog.totalCount).toBe(2);
      const byActor = await graphql(logQuery, callerFor(admin), { filter: { actorId: admin.id } });
      expect(byActor.data.auditLog.edges.map((e: { node: { subject: { id: string } } }) => e.node.subject.id)).toEqual([marc.id]);
      const both = await graphql(logQuery, callerFor(admin), { filter: { actorId: coordinator.id, subjectId: lea.id } });
      expect(both.data.auditLog.totalCount).toBe(2);
      const period = await graphql(logQuery, callerFor(admin), {
        filter: { from: new Date(first.getTime() + DAY_MS).toISOString(), to: new Date(first.getTime() + 2 * DAY_MS).toISOString() },
      });
      expect(period.data.auditLog.totalCount).toBe(2);
    });

    it('should refuse a malformed filter with BAD_USER_INPUT naming it', async () => {
      const badId = await graphql(logQuery, callerFor(admin), { filter: { actorId: 'nobody' } });
      expect(badId.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.actorId' });
      const backwards = await graphql(logQuery, callerFor(admin), { filter: { from: '2026-03-05T00:00:00Z', to: '2026-03-01T00:00:00Z' } });
      expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.to' });
    });

    it('should page with cursors, without gaps or repeats', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 3; page++) {
        const response: GraphQLResponse = await graphql(logQuery, callerFor(admin), { first: 3, after });
        seen.push(...response.data.auditLog.edges.map((e: { node: { id: string } }) => e.node.id));
        if (!response.data.auditLog.pageInfo.hasNextPage) break;
        after = response.data.auditLog.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(4);
      expect(new Set(seen).size).toBe(4);
    });
  });

  describe('retention', () => {
    it('should purge the entries older than AUDIT_RETENTION_DAYS, and keep the others', async () => {
      await clearAudit();
      const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS);
      const row = (daysAgo: number) => ({ actorKind: 'member', actorId: coordinator.id, subjectId: lea.id, fields: ['statusHistory'], at: at(daysAgo) });
      await testDb.database.db.insert(auditEntries).values([row(31), row(45), row(29), row(1)]);
      const audit = subgraph.app.get(AuditService, { strict: false });
      expect(await audit.purgeExpired(now)).toBe(2);
      expect((await entries()).map((e) => e.at.getTime()).sort()).toEqual([at(29), at(1)].map((d) => d.getTime()).sort());
      // Idempotent: nothing left to purge.
      expect(await audit.purgeExpired(now)).toBe(0);
    });

    it('should purge each expired entry once when every replica purges at the same time', async () => {
      await clearAudit();
      const row = (daysAgo: number) => ({ actorKind: 'member', actorId: admin.id, subjectId: marc.id, fields: ['charterAcceptedAt'], at: new Date(now.getTime() - daysAgo * DAY_MS) });
      await testDb.database.db.insert(auditEntries).values([...Array.from({ length: 10 }, (_, i) => row(40 + i)), row(2), row(3)]);
      // On a PostgreSQL server each replica has its own connections, so the purges truly race; PGlite
      // runs them one after the other.
      const replicas = testDb.url
        ? await Promise.all([0, 1, 2].map(() => openDatabase({ service: 'members', url: testDb.url!, migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema, poolSize: 2 })))
        : [testDb.database, testDb.database, testDb.database];
      try {
        const clock = { now: () => now };
        const purges = replicas.map((db) => new AuditService(new AuditRepository(db), settings, clock).purgeExpired(now));
        const results = await Promise.all(purges);
        expect(results.filter((n) => n === 10)).toHaveLength(1);
        expect(results.filter((n) => n !== 10).every((n) => n === 0 || n === null)).toBe(true);
        expect(await entries()).toHaveLength(2);
      } finally {
        if (testDb.url) await Promise.all(replicas.map((db) => db.close()));
      }
    });
  });
});
