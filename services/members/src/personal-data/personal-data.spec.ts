import 'reflect-metadata';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, secretTokenHash, verifyIdentity, type Caller } from '@pdn/identity';
import { personalDataCoverageProblems, personalDataExportProblems, type RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { apiKeys } from '../db/api-keys.tables.js';
import { auditEntries } from '../db/audit.tables.js';
import {
  emailOutbox,
  invitations,
  loginThrottle,
  membersSchema,
  refreshTokens,
  sessions,
  statusChanges,
  type MemberRow,
  type MembersSchema,
  type StructureRow,
} from '../db/members.tables.js';
import { MEMBERS_MIGRATIONS, startMembers } from '../members-app.js';
import { loadMembersSettings } from '../members.config.js';
import { anonymous, callerFor, insertMember, insertStructure } from '../../test/members-fixtures.js';
import { membersPersonalDataCoverage } from './personal-data.coverage.js';

type Mode = 'ok' | 'unavailable' | 'errors' | 'hang' | 'reset';

/**
 * Stands in for calendar or feed (they cannot run in this process: one Nest type registry each): it
 * checks the identity signature as a subgraph does, records what members asked, and answers as told.
 * The real subgraphs answer these requests in their own specs and in tools/e2e.
 */
class OtherSubgraph {
  mode: Mode = 'ok';
  readonly requests: { caller: Caller | null; body: { query: string; variables: { representations: unknown[] } } }[] = [];
  private readonly server: Server;

  constructor(
    private readonly field: string,
    private readonly part: unknown,
    key: string,
  ) {
    this.server = createServer((req, res) => void this.answer(req, res, key));
  }

  private async answer(req: IncomingMessage, res: ServerResponse, key: string): Promise<void> {
    // Members also follows calendar's event log (GET /events, audit.private-read): not played here.
    if (req.method !== 'POST') return void res.writeHead(404).end();
    const body = JSON.parse(await read(req));
    const identity = verifyIdentity(req.headers[IDENTITY_HEADER] as string, req.headers[IDENTITY_SIGNATURE_HEADER] as string, key);
    this.requests.push({ caller: identity.ok ? identity.caller : null, body });
    if (!identity.ok) return void res.writeHead(401).end('{}');
    if (this.mode === 'reset') return void req.socket.destroy();
    if (this.mode === 'hang') return void setTimeout(() => res.writeHead(200).end('{}'), 3000).unref();
    if (this.mode === 'unavailable') return void res.writeHead(503).end('{}');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        this.mode === 'errors'
          ? { data: { _entities: [null] }, errors: [{ message: 'internal error', path: ['_entities', 0] }] }
          : { data: { _entities: [{ [this.field]: this.part }] } },
      ),
    );
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

// `myPersonalData` in members: its own part from every table, the others' parts fetched with the
// caller's signed identity, all or nothing.
describe('myPersonalData in members', () => {
  const key = identitySigningKey({ NODE_ENV: 'test' });
  const now = new Date('2026-11-26T10:00:00Z');
  const calendarPart = { registrations: [{ eventId: 'e1' }], presenceLogs: [] };
  const feedPart = { posts: [{ id: 'p1' }] };
  const calendar = new OtherSubgraph('calendarPersonalData', calendarPart, key);
  const feed = new OtherSubgraph('feedPersonalData', feedPart, key);
  const secrets = { password: 'argon2id$not-really-a-hash', refresh: secretTokenHash('refresh-token'), invitation: secretTokenHash('invitation'), apiKey: secretTokenHash('pdn_key') };
  let testDb: TestDatabase<MembersSchema>;
  let subgraph: RunningSubgraph;
  let bij: StructureRow;
  let isle: StructureRow;
  let isabelle: MemberRow;
  let paul: MemberRow;
  let coordinator: MemberRow;
  let otherCoordinator: MemberRow;
  let graphql: ReturnType<typeof signedGraphql>;

  beforeAll(async () => {
    const [calendarUrl, feedUrl] = await Promise.all([calendar.listen(), feed.listen()]);
    testDb = await createTestDatabase({ service: 'members', migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema });
    const database = testDb.database;
    const db = database.db;
    bij = await insertStructure(database, { name: "BIJ d'Auch", commune: 'Auch' });
    isle = await insertStructure(database, { name: 'Centre social', commune: "L'Isle-Jourdain" });
    isabelle = await insertMember(database, { firstName: 'Isabelle', lastName: 'Laffargue', passwordHash: secrets.password, phone: '+33562000000', role: 'COORDINATOR', coordinatedDepartments: ['32'] }, bij);
    paul = await insertMember(database, { firstName: 'Paul', lastName: 'Armagnac' }, bij);
    coordinator = await insertMember(database, { firstName: 'Claire', lastName: 'Caf', role: 'COORDINATOR', coordinatedDepartments: ['32'] });
    otherCoordinator = await insertMember(database, { firstName: 'Henri', lastName: 'Garonne', role: 'COORDINATOR', department: '31', coordinatedDepartments: ['31'] });
    await db.insert(statusChanges).values([
      { memberId: isabelle.id, fromStatus: 'CANDIDATE', toStatus: 'ACTIVE', reason: 'labellisée', byMemberId: coordinator.id },
      { memberId: paul.id, fromStatus: 'ACTIVE', toStatus: 'SUSPENDED', reason: 'absent depuis six mois', byMemberId: isabelle.id },
    ]);
    const [session] = await db.insert(sessions).values({ memberId: isabelle.id, expiresAt: new Date('2026-12-26T10:00:00Z') }).returning();
    await db.insert(refreshTokens).values({ sessionId: session!.id, tokenHash: secrets.refresh, expiresAt: new Date('2026-12-26T10:00:00Z'), createdAt: new Date('2026-11-25T08:00:00Z') });
    await db.insert(invitations).values([
      { email: isabelle.email, firstName: 'Isabelle', lastName: 'Laffargue', role: 'COORDINATOR', department: '32', tokenHash: secretTokenHash('received'), invitedBy: coordinator.id, memberId: isabelle.id, expiresAt: now, acceptedAt: now },
      { email: 'lea@example.org', firstName: 'Léa', lastName: 'Nouvelle', role: 'PROMENEUR', department: '32', tokenHash: secrets.invitation, invitedBy: isabelle.id, expiresAt: now },
    ]);
    await db.insert(emailOutbox).values([
      { recipient: isabelle.email.toUpperCase(), subject: 'Votre invitation', body: 'https://pdn.example.org/invitation#secret-link' },
      { recipient: 'lea@example.org', subject: 'Votre invitation', body: 'https://pdn.example.org/invitation#lea' },
    ]);
    await db.insert(loginThrottle).values({ email: isabelle.email, failures: 2 });
    await db.insert(auditEntries).values([
      { actorKind: 'member', actorId: coordinator.id, subjectId: isabelle.id, fields: ['phone'], operationName: 'TeamDirectory', at: now },
      { actorKind: 'member', actorId: isabelle.id, subjectId: paul.id, fields: ['charterAcceptedAt'], operationName: 'Candidates', at: now },
    ]);
    await db.insert(apiKeys).values({ name: 'Portail jeunesse', secretHash: secrets.apiKey, scopes: ['DIRECTORY_READ'], departments: ['32'], createdBy: isabelle.id, revokedBy: isabelle.id, revokedAt: now });
    const settings = loadMembersSettings({
      MEMBERS_PORT: '0',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      CALENDAR_URL: calendarUrl,
      FEED_URL: feedUrl,
      PERSONAL_DATA_TIMEOUT_MS: '500',
    });
    subgraph = await startMembers(settings, { database, clock: { now: () => now } });
    graphql = signedGraphql(() => subgraph.url, key);
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
    await Promise.all([calendar.close(), feed.close()]);
  });

  beforeEach(() => {
    calendar.mode = 'ok';
    feed.mode = 'ok';
    calendar.requests.length = 0;
    feed.requests.length = 0;
  });

  const exportOf = async (caller: Caller) => graphql('{ myPersonalData }', caller);

  describe('the export', () => {
    it('should classify every table and every column that may hold a member id', () => {
      expect(personalDataCoverageProblems(membersSchema, membersPersonalDataCoverage)).toEqual([]);
    });

    it('should assemble one document from the three parts', async () => {
      const { data, errors } = await exportOf(callerFor(isabelle));
      expect(errors).toBeUndefined();
      expect(data.myPersonalData).toEqual({
        exportedAt: '2026-11-26T11:00:00+01:00',
        format: 'pdn-personal-data/1',
        member: expect.objectContaining({ id: isabelle.id, email: isabelle.email, lastName: 'Laffargue', phone: '+33562000000' }),
        calendar: calendarPart,
        feed: feedPart,
      });
    });

    it("should ask the other subgraphs for the caller's own Member, signed with the caller's identity", async () => {
      await exportOf(callerFor(isabelle));
      for (const [other, field] of [
        [calendar, 'calendarPersonalData'],
        [feed, 'feedPersonalData'],
      ] as const) {
        expect(other.requests).toHaveLength(1);
        expect(other.requests[0]!.caller).toEqual(callerFor(isabelle));
        expect(other.requests[0]!.body.variables.representations).toEqual([{ __typename: 'Member', id: isabelle.id }]);
        expect(other.requests[0]!.body.query).toContain(field);
      }
    });

    it('should export every column of every table the member appears in', async () => {
      const { data } = await exportOf(callerFor(isabelle));
      expect(personalDataExportProblems(membersSchema, membersPersonalDataCoverage, data.myPersonalData.member)).toEqual([]);
    });

    it("should hold the member's structure, status history, sessions, invitations, e-mails, sign-in throttle and API keys", async () => {
      const { member } = (await exportOf(callerFor(isabelle))).data.myPersonalData;
      expect(member.structure).toEqual({ id: bij.id, name: "BIJ d'Auch", kind: 'YOUTH_INFORMATION', commune: 'Auch', department: '32' });
      expect(member.statusHistory).toEqual([expect.objectContaining({ toStatus: 'ACTIVE', reason: 'labellisée', byMemberId: coordinator.id })]);
      expect(member.sessions).toEqual([expect.objectContaining({ lastRefreshedAt: '2026-11-25T09:00:00+01:00', revokedAt: null })]);
      expect(member.invitationsReceived).toEqual([expect.objectContaining({ invitedBy: coordinator.id, acceptedAt: expect.any(String) })]);
      expect(member.invitationsSent).toEqual([expect.objectContaining({ email: 'lea@example.org', firstName: 'Léa', acceptedAt: null })]);
      expect(member.emailsReceived).toEqual([expect.objectContaining({ subject: 'Votre invitation', sentAt: null })]);
      expect(member.signInThrottle).toEqual(expect.objectContaining({ failures: 2 }));
      expect(member.apiKeysCreated).toEqual([expect.objectContaining({ name: 'Portail jeunesse', scopes: ['DIRECTORY_READ'], revokedAt: expect.any(String) })]);
      expect(member.apiKeysRevoked).toHaveLength(1);
      expect(member.privateDataReads).toEqual([expect.objectContaining({ actorKind: 'member', actorId: coordinator.id, fields: ['phone'], operationName: 'TeamDirectory' })]);
    });

    it('should hold no secret: no password, token or key hash, no e-mail body', async () => {
      const text = JSON.stringify((await exportOf(callerFor(isabelle))).data.myPersonalData);
      for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/hash|secret-link/i);
    });

    it("should hold nothing of the status changes the member made to others, their reads of others' data, nor others' e-mails", async () => {
      const text = JSON.stringify((await exportOf(callerFor(isabelle))).data.myPersonalData.member);
      expect(text).not.toContain('absent depuis six mois');
      expect(text).not.toContain('Candidates');
      expect(text).not.toContain(paul.id);
      expect(text).not.toContain('#lea');
    });

    it.each<[string, string, Caller]>([
      ['an anonymous caller', 'UNAUTHENTICATED', anonymous],
      ['a partner application', 'FORBIDDEN', { kind: 'partner', apiKeyId: '00000000-0000-4000-8000-000000000000', scopes: ['DIRECTORY_READ'], departments: ['32'] }],
    ])('should refuse %s with %s, asking the other subgraphs nothing', async (_, code, caller) => {
      const { data, errors } = await exportOf(caller);
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions?.['code']).toBe(code);
      expect(calendar.requests.length + feed.requests.length).toBe(0);
    });

    it.each<[string, Mode, 'calendar' | 'feed']>([
      ['answers 503', 'unavailable', 'calendar'],
      ['drops the connection', 'reset', 'calendar'],
      ['does not answer in time', 'hang', 'feed'],
      ['answers with an error', 'errors', 'feed'],
    ])('should fail with SERVICE_UNAVAILABLE naming the service when it %s, rather than give an incomplete export', async (_, mode, service) => {
      (service === 'calendar' ? calendar : feed).mode = mode;
      const { data, errors } = await exportOf(callerFor(isabelle));
      expect(data).toBeNull();
      expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining(`The ${service} service`), extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service }) })]);
    });
  });

  // Rectification (GDPR art. 16): the member corrects their profile; coordinators correct what the
  // member cannot (e-mail, structure), within their départements only.
  describe('rectification', () => {
    const profileQuery = '{ me { firstName lastName phone jobTitle email structure { id } } }';

    it('should let a member correct their own profile, and the export show it', async () => {
      const { errors } = await graphql(
        'mutation ($input: UpdateProfileInput!) { updateMyProfile(input: $input) { id } }',
        callerFor(paul),
        { input: { firstName: 'Paul', lastName: 'Armagnac-Duprat', phone: '06 12 34 56 78', jobTitle: 'Animateur' } },
      );
      expect(errors).toBeUndefined();
      expect((await graphql(profileQuery, callerFor(paul))).data.me).toMatchObject({ lastName: 'Armagnac-Duprat', phone: '+33612345678', jobTitle: 'Animateur' });
      expect((await exportOf(callerFor(paul))).data.myPersonalData.member).toMatchObject({ lastName: 'Armagnac-Duprat', phone: '+33612345678' });
    });

    it('should not let a member change their e-mail or structure themselves', async () => {
      const { errors } = await graphql(
        'mutation ($input: UpdateProfileInput!) { updateMyProfile(input: $input) { id } }',
        callerFor(paul),
        { input: { email: 'paul@elsewhere.example.org', structureId: isle.id } },
      );
      expect(errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      const refused = await graphql('mutation ($id: ID!) { correctMember(id: $id, input: { email: "paul@elsewhere.example.org" }) { id } }', callerFor(paul), { id: paul.id });
      expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      expect((await graphql(profileQuery, callerFor(paul))).data.me).toMatchObject({ email: paul.email, structure: { id: bij.id } });
    });

    it("should let a coordinator of the member's département correct the e-mail and structure", async () => {
      const { data, errors } = await graphql(
        'mutation ($id: ID!, $input: CorrectMemberInput!) { correctMember(id: $id, input: $input) { id email structure { id } } }',
        callerFor(coordinator),
        { id: paul.id, input: { email: 'paul.armagnac@cs-isle.example.org', structureId: isle.id } },
      );
      expect(errors).toBeUndefined();
      expect(data.correctMember).toEqual({ id: paul.id, email: 'paul.armagnac@cs-isle.example.org', structure: { id: isle.id } });
      expect((await exportOf(callerFor(paul))).data.myPersonalData.member).toMatchObject({ email: 'paul.armagnac@cs-isle.example.org', structureId: isle.id, structure: { name: 'Centre social' } });
    });

    it("should refuse another département's coordinator, and an e-mail another member uses, changing nothing", async () => {
      const before = (await graphql(profileQuery, callerFor(paul))).data.me;
      const outside = await graphql('mutation ($id: ID!) { correctMember(id: $id, input: { lastName: "X" }) { id } }', callerFor(otherCoordinator), { id: paul.id });
      expect(outside.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      const taken = await graphql(
        'mutation ($id: ID!, $email: String!) { correctMember(id: $id, input: { lastName: "Y", email: $email }) { id } }',
        callerFor(coordinator),
        { id: paul.id, email: isabelle.email },
      );
      expect(taken.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
      expect((await graphql(profileQuery, callerFor(paul))).data.me).toEqual(before);
    });
  });
});
