import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { asc, eq, sql } from 'drizzle-orm';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { outbox } from '@pdn/domain-events/tables';
import { ANONYMOUS, signIdentity, type Caller } from '@pdn/identity';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { hashPassword } from '../auth/passwords.js';
import { apiKeys } from '../db/api-keys.tables.js';
import {
  emailOutbox,
  invitations,
  loginThrottle,
  members,
  membersSchema,
  refreshTokens,
  sessions,
  statusChanges,
  type MemberRow,
  type MembersSchema,
} from '../db/members.tables.js';
import { loadMembersSettings } from '../members.config.js';
import { MEMBERS_MIGRATIONS, startMembers } from '../members-app.js';
import { callerFor, insertMember, insertStructure } from '../../test/members-fixtures.js';
import { ERASED_DISPLAY_NAME, ERASED_REASON, erasedEmail } from './erasure.repository.js';

const PASSWORD = 'mon mot de passe secret';
const ERASE = 'mutation ($password: String!, $deletePosts: Boolean) { eraseMyAccount(password: $password, deletePosts: $deletePosts) }';
const LOGIN = 'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken member { id } } }';
const REFRESH = 'mutation ($token: String!) { refreshSession(refreshToken: $token) { refreshToken } }';

// eraseMyAccount through the members subgraph as the gateway calls it: signed identities, the real
// app (its outbox served at GET /events), a real database.
describe('eraseMyAccount', () => {
  const settings = loadMembersSettings({ MEMBERS_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent', LOGIN_MAX_FAILURES: '3' });
  const key = identitySigningKey(settings);
  let testDb: TestDatabase<MembersSchema>;
  let subgraph: RunningSubgraph;
  let passwordHash: string;
  const graphql = signedGraphql(() => subgraph.url, key);
  const db = () => testDb.database.db;

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'members', migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema });
    passwordHash = await hashPassword(PASSWORD);
    subgraph = await startMembers(settings, { database: testDb.database });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  beforeEach(async () => {
    await db().execute(sql`drop trigger if exists outbox_refuses on outbox`);
  });

  let serial = 0;
  /** A promeneur with a password, a session, a status history and mail; unique names each time. */
  async function promeneur(values: Partial<typeof members.$inferInsert> = {}): Promise<MemberRow & { refreshToken: string }> {
    serial += 1;
    const structure = await insertStructure(testDb.database, { name: `BIJ ${serial}`, commune: 'Auch' });
    const member = await insertMember(
      testDb.database,
      {
        firstName: `Isabelle${serial}`,
        lastName: 'Durand',
        phone: '+33562000000',
        jobTitle: 'Informatrice jeunesse',
        passwordHash,
        themes: ['HEALTH'],
        channels: [{ network: 'INSTAGRAM', handle: `@isa${serial}`, url: null }],
        charterVersion: '2024-1',
        charterAcceptedAt: new Date('2026-01-05T10:00:00Z'),
        ...values,
      },
      structure,
    );
    await db().insert(statusChanges).values({ memberId: member.id, fromStatus: 'CANDIDATE', toStatus: 'ACTIVE', reason: 'Formation initiale suivie à Auch', at: new Date() });
    const login = await graphql(LOGIN, ANONYMOUS, { email: member.email, password: PASSWORD });
    expect(login.errors).toBeUndefined();
    return { ...member, refreshToken: login.data.login.refreshToken as string };
  }

  async function reload(id: string): Promise<MemberRow> {
    const [row] = await db().select().from(members).where(eq(members.id, id));
    return row!;
  }

  async function eventsAbout(memberId: string) {
    const rows = await db().select().from(outbox).orderBy(asc(outbox.position));
    return rows.filter((row) => row.payload['memberId'] === memberId);
  }

  it('should refuse a caller who is not signed in', async () => {
    const answer = await graphql(ERASE, ANONYMOUS, { password: PASSWORD });
    expect(answer.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('should refuse a wrong password on the password argument, change nothing, and count it as a failed sign-in', async () => {
    const member = await promeneur();
    const before = await reload(member.id);
    const answer = await graphql(ERASE, callerFor(member), { password: 'pas le bon mot de passe' });
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(await reload(member.id)).toEqual(before);
    expect(await eventsAbout(member.id)).toEqual([]);
    const [throttle] = await db().select().from(loginThrottle).where(eq(loginThrottle.email, member.email.toLowerCase()));
    expect(throttle?.failures).toBe(1);

    // LOGIN_MAX_FAILURES wrong passwords lock the address, for sign-in and erasure alike.
    await graphql(ERASE, callerFor(member), { password: 'encore un autre essai' });
    await graphql(ERASE, callerFor(member), { password: 'et encore un autre' });
    const locked = await graphql(ERASE, callerFor(member), { password: PASSWORD });
    expect(locked.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    expect((await reload(member.id)).erasedAt).toBeNull();
  });

  it('should anonymise the profile, revoke every session, remove invitations and mail, and record member.erased', async () => {
    const member = await promeneur();
    const invitee = 'invitee@example.org';
    await db().insert(invitations).values([
      { email: member.email, firstName: member.firstName, lastName: member.lastName, role: 'PROMENEUR', department: '32', tokenHash: `accepted-${member.id}`, expiresAt: new Date(), acceptedAt: new Date(), memberId: member.id },
      { email: invitee, firstName: 'Paul', lastName: 'Martin', role: 'PROMENEUR', department: '32', tokenHash: `sent-${member.id}`, expiresAt: new Date(), invitedBy: member.id },
    ]);
    await db().insert(emailOutbox).values({ recipient: member.email, subject: 'Bienvenue', body: `Bonjour ${member.firstName}` });

    const answer = await graphql(ERASE, callerFor(member), { password: PASSWORD });
    expect(answer).toEqual({ data: { eraseMyAccount: true } });

    const erased = await reload(member.id);
    expect(erased).toMatchObject({
      id: member.id,
      email: erasedEmail(member.id),
      passwordHash: null,
      firstName: 'Ancien',
      lastName: 'membre',
      displayName: ERASED_DISPLAY_NAME,
      phone: null,
      jobTitle: null,
      structureId: null,
      coordinatedDepartments: [],
      themes: [],
      audiences: [],
      channels: [],
      weeklyHoursCommitment: 0,
      charterVersion: null,
      charterAcceptedAt: null,
      status: 'LEFT',
      role: 'PROMENEUR',
      department: '32',
    });
    expect(erased.erasedAt).toBeInstanceOf(Date);
    const everything = JSON.stringify(erased);
    for (const personal of [member.firstName, 'Durand', '+33562000000', 'Informatrice', `@isa`, member.email]) expect(everything).not.toContain(personal);

    const history = await db().select().from(statusChanges).where(eq(statusChanges.memberId, member.id)).orderBy(asc(statusChanges.at));
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.reason])).toEqual([
      ['CANDIDATE', 'ACTIVE', ERASED_REASON],
      ['ACTIVE', 'LEFT', ERASED_REASON],
    ]);

    const memberSessions = await db().select().from(sessions).where(eq(sessions.memberId, member.id));
    expect(memberSessions.length).toBeGreaterThan(0);
    expect(memberSessions.every((s) => s.revokedAt !== null && s.revokedReason === 'account-erased')).toBe(true);
    const tokens = await db().select().from(refreshTokens).where(eq(refreshTokens.sessionId, memberSessions[0]!.id));
    expect(tokens).toEqual([]);

    const left = await db().select().from(invitations).where(sql`${invitations.tokenHash} in (${`accepted-${member.id}`}, ${`sent-${member.id}`})`);
    expect(left.map((i) => [i.email, i.invitedBy])).toEqual([[invitee, null]]);
    expect(await db().select().from(emailOutbox).where(eq(emailOutbox.recipient, member.email))).toEqual([]);

    const events = await eventsAbout(member.id);
    expect(events.map((e) => [e.type, e.version, e.payload])).toEqual([['member.erased', 1, { memberId: member.id, department: '32', deletePosts: false }]]);
  });

  it("should revoke the partner keys the member created, and only theirs", async () => {
    const coordinator = await promeneur({ role: 'COORDINATOR', coordinatedDepartments: ['32'] });
    const colleague = await promeneur({ role: 'COORDINATOR', coordinatedDepartments: ['32'] });
    const key = (createdBy: string, name: string) => ({ name, secretHash: `hash-${name}-${serial}`, scopes: ['DIRECTORY_READ'], departments: ['32'], createdBy });
    await db().insert(apiKeys).values([key(coordinator.id, 'annuaire-caf'), key(colleague.id, 'agenda-mairie')]);

    expect(await graphql(ERASE, callerFor(coordinator), { password: PASSWORD })).toEqual({ data: { eraseMyAccount: true } });

    const keys = await db().select().from(apiKeys).where(sql`${apiKeys.createdBy} in (${coordinator.id}, ${colleague.id})`);
    const byName = Object.fromEntries(keys.map((k) => [k.name, k.revokedAt]));
    expect(byName['annuaire-caf']).toBeInstanceOf(Date);
    expect(byName['agenda-mairie']).toBeNull();
  });

  it('should never let the erased member sign in again, nor refresh a session, nor erase twice', async () => {
    const member = await promeneur();
    expect((await graphql(ERASE, callerFor(member), { password: PASSWORD })).data).toEqual({ eraseMyAccount: true });

    const login = await graphql(LOGIN, ANONYMOUS, { email: member.email, password: PASSWORD });
    expect(login.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const refresh = await graphql(REFRESH, ANONYMOUS, { token: member.refreshToken });
    expect(refresh.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const again = await graphql(ERASE, callerFor(member), { password: PASSWORD });
    expect(again.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(await eventsAbout(member.id)).toHaveLength(1);
  });

  it('should show the erased member to other subgraphs as "Ancien membre", with nothing else', async () => {
    const member = await promeneur();
    await graphql(ERASE, callerFor(member), { password: PASSWORD });
    const coordinator: Caller = { kind: 'member', memberId: '11111111-1111-4111-8111-111111111111', role: 'COORDINATOR', status: 'ACTIVE', departments: ['32'] };
    const answer = await graphql(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id displayName firstName lastName email phone jobTitle status channels { handle } structure { id } } } }',
      coordinator,
      { r: [{ __typename: 'Member', id: member.id }] },
    );
    expect(answer.data._entities).toEqual([
      { id: member.id, displayName: 'Ancien membre', firstName: 'Ancien', lastName: 'membre', email: erasedEmail(member.id), phone: null, jobTitle: null, status: 'LEFT', channels: [], structure: null },
    ]);
  });

  it('should carry the wish to delete posts in the event', async () => {
    const member = await promeneur();
    await graphql(ERASE, callerFor(member), { password: PASSWORD, deletePosts: true });
    expect((await eventsAbout(member.id)).map((e) => e.payload['deletePosts'])).toEqual([true]);
  });

  it('should refuse to erase the only active administrator', async () => {
    const lone = await promeneur({ role: 'ADMIN' });
    await db().update(members).set({ status: 'SUSPENDED' }).where(sql`${members.role} = 'ADMIN' and ${members.id} <> ${lone.id}`);
    const refused = await graphql(ERASE, callerFor(lone), { password: PASSWORD });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    expect((await reload(lone.id)).erasedAt).toBeNull();

    await promeneur({ role: 'ADMIN' });
    expect((await graphql(ERASE, callerFor(lone), { password: PASSWORD })).data).toEqual({ eraseMyAccount: true });
  });

  it('should leave everything as it was when the event cannot be written', async () => {
    const member = await promeneur();
    const before = await reload(member.id);
    const sessionsBefore = await db().select().from(sessions).where(eq(sessions.memberId, member.id));
    const historyBefore = await db().select().from(statusChanges).where(eq(statusChanges.memberId, member.id));
    await db().execute(sql`create or replace function outbox_refuses() returns trigger language plpgsql as $$ begin raise exception 'outbox unavailable'; end $$`);
    await db().execute(sql`create trigger outbox_refuses before insert on outbox for each row execute function outbox_refuses()`);

    const answer = await graphql(ERASE, callerFor(member), { password: PASSWORD });
    expect(answer.errors?.[0]?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(answer)).not.toContain('outbox unavailable');
    expect(await reload(member.id)).toEqual(before);
    expect(await db().select().from(sessions).where(eq(sessions.memberId, member.id))).toEqual(sessionsBefore);
    expect(await db().select().from(statusChanges).where(eq(statusChanges.memberId, member.id))).toEqual(historyBefore);
    expect((await graphql(REFRESH, ANONYMOUS, { token: member.refreshToken })).errors).toBeUndefined();
  });

  it("should serve the event to calendar and feed at GET /events, to signed requests only", async () => {
    const member = await promeneur();
    await graphql(ERASE, callerFor(member), { password: PASSWORD });
    const eventsUrl = new URL('/events?after=0&limit=500', subgraph.url);
    expect((await fetch(eventsUrl)).status).toBe(401);
    const response = await fetch(eventsUrl, { headers: { ...signIdentity(ANONYMOUS, key) } });
    const page = (await response.json()) as { producer: string; events: { type: string; payload: Record<string, unknown> }[] };
    expect(page.producer).toBe('members');
    expect(page.events.filter((e) => e.payload['memberId'] === member.id).map((e) => e.type)).toEqual(['member.erased']);
  });
});
