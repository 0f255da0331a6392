import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { asc, eq, sql } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { MEMBER_ACCESS_CHANGED, memberAccessChangedPayload, SESSION_ENDED, sessionEndedPayload, type DomainEvent } from '@pdn/domain-events';
import { outbox } from '@pdn/domain-events/tables';
import { ANONYMOUS } from '@pdn/identity';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { hashPassword } from '../src/auth/passwords.js';
import { members, membersSchema, sessions, statusChanges, type MemberRow, type MembersSchema } from '../src/db/members.tables.js';
import { loadMembersSettings } from '../src/members.config.js';
import { MEMBERS_MIGRATIONS, startMembers } from '../src/members-app.js';
import { callerFor, insertMember, insertStructure } from './members-fixtures.js';

const PASSWORD = 'un mot de passe assez long';
const LOGIN = 'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken } }';
const REFRESH = 'mutation ($token: String!) { refreshSession(refreshToken: $token) { accessToken refreshToken } }';
const LOGOUT = 'mutation ($token: String!) { logout(refreshToken: $token) }';
const SET_STATUS = 'mutation ($id: ID!, $status: MemberStatus!, $reason: String!) { setMemberStatus(id: $id, status: $status, reason: $reason) { id status } }';

// Whatever voids access tokens before they expire writes the event the gateways follow, in the same
// transaction: session.ended (logout, a refresh token presented twice, a member gone at refresh) and
// member.access-changed (a status change). An operation that fails writes none and changes nothing.
// (member.erased, which the gateways read too, has its own spec: src/erasure/erasure.spec.ts.)
describe('events that void access tokens', () => {
  const settings = loadMembersSettings({ MEMBERS_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent', ACCESS_TOKEN_TTL_SECONDS: '600' });
  const graphql = signedGraphql(() => subgraph.url, identitySigningKey(settings));
  let testDb: TestDatabase<MembersSchema>;
  let subgraph: RunningSubgraph;
  let passwordHash: string;
  let coordinator: MemberRow;
  let serial = 0;
  const db = () => testDb.database.db;

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'members', migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema });
    passwordHash = await hashPassword(PASSWORD);
    coordinator = await insertMember(testDb.database, { firstName: 'Claire', lastName: 'Coordination', role: 'COORDINATOR', coordinatedDepartments: ['32', '65'] });
    subgraph = await startMembers(settings, { database: testDb.database });
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  beforeEach(async () => {
    await db().execute(sql`drop trigger if exists outbox_refuses on outbox`);
  });

  /** A promeneur signed in once: their first session's tokens. */
  async function signedIn(values: Partial<typeof members.$inferInsert> = {}) {
    serial += 1;
    const structure = await insertStructure(testDb.database, { name: `MJC ${serial}`, commune: 'Mirande' });
    const member = await insertMember(testDb.database, { firstName: `Paul${serial}`, lastName: 'Armagnac', passwordHash, charterVersion: '2024-1', ...values }, structure);
    const login = await graphql(LOGIN, ANONYMOUS, { email: member.email, password: PASSWORD });
    expect(login.errors).toBeUndefined();
    const { accessToken, refreshToken } = login.data.login as { accessToken: string; refreshToken: string };
    return { member, accessToken, refreshToken, sessionId: decodeJwt(accessToken)['sid'] as string };
  }

  async function eventsAbout(memberId: string): Promise<DomainEvent[]> {
    const rows = await db().select().from(outbox).orderBy(asc(outbox.position));
    return rows.filter((row) => row.payload['memberId'] === memberId && row.type !== 'member.erased');
  }

  async function session(id: string) {
    const [row] = await db().select().from(sessions).where(eq(sessions.id, id));
    return row!;
  }

  /** Every later write to the outbox fails, as a database that refuses would. */
  async function breakOutbox() {
    await db().execute(sql`create or replace function outbox_refuses() returns trigger language plpgsql as $$ begin raise exception 'outbox unavailable'; end $$`);
    await db().execute(sql`create trigger outbox_refuses before insert on outbox for each row execute function outbox_refuses()`);
  }

  /** The last access token the session could have signed expires by then: the event says so. */
  function expectTokensExpireByAfterTtl(event: DomainEvent, tokensExpireBy: string) {
    expect(Date.parse(tokensExpireBy) - event.occurredAt.getTime()).toBe(600_000);
  }

  describe('logout', () => {
    it('should end the session and record session.ended with it, once', async () => {
      const { member, refreshToken, sessionId } = await signedIn();
      expect((await graphql(LOGOUT, ANONYMOUS, { token: refreshToken })).data).toEqual({ logout: true });
      expect((await graphql(LOGOUT, ANONYMOUS, { token: refreshToken })).data).toEqual({ logout: true });

      const ended = await session(sessionId);
      expect(ended.revokedReason).toBe('logout');
      const events = await eventsAbout(member.id);
      expect(events.map((e) => [e.type, e.version])).toEqual([[SESSION_ENDED, 1]]);
      const payload = sessionEndedPayload(events[0]!);
      expect(payload).toMatchObject({ sessionId, memberId: member.id, reason: 'logout' });
      expect(events[0]!.occurredAt).toEqual(ended.revokedAt);
      expectTokensExpireByAfterTtl(events[0]!, payload.tokensExpireBy);
    });

    it('should record nothing for a token it does not know', async () => {
      const before = await db().select({ n: sql<number>`count(*)::int` }).from(outbox);
      expect((await graphql(LOGOUT, ANONYMOUS, { token: 'x'.repeat(43) })).data).toEqual({ logout: true });
      expect(await db().select({ n: sql<number>`count(*)::int` }).from(outbox)).toEqual(before);
    });

    it('should not end the session when the event cannot be written', async () => {
      const { member, refreshToken, sessionId } = await signedIn();
      await breakOutbox();
      const answer = await graphql(LOGOUT, ANONYMOUS, { token: refreshToken });
      expect(answer.errors?.[0]?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(answer)).not.toContain('outbox unavailable');
      expect((await session(sessionId)).revokedAt).toBeNull();
      expect(await eventsAbout(member.id)).toEqual([]);
      // The client can try again, and the session still works meanwhile.
      expect((await graphql(REFRESH, ANONYMOUS, { token: refreshToken })).errors).toBeUndefined();
    });
  });

  describe('a refresh token presented twice', () => {
    it('should end the whole session and record session.ended', async () => {
      const { member, refreshToken, sessionId } = await signedIn();
      const first = await graphql(REFRESH, ANONYMOUS, { token: refreshToken });
      expect(first.errors).toBeUndefined();
      expect(await eventsAbout(member.id)).toEqual([]);

      const replayed = await graphql(REFRESH, ANONYMOUS, { token: refreshToken });
      expect(replayed.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      expect((await session(sessionId)).revokedReason).toBe('refresh-token-reuse');
      const events = await eventsAbout(member.id);
      expect(events.map((e) => sessionEndedPayload(e))).toEqual([expect.objectContaining({ sessionId, memberId: member.id, reason: 'refresh-token-reuse' })]);
      // The newest token of the session stops too, and nothing more is recorded.
      expect((await graphql(REFRESH, ANONYMOUS, { token: first.data.refreshSession.refreshToken })).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      expect(await eventsAbout(member.id)).toHaveLength(1);
    });

    it('should leave the session alive when the event cannot be written', async () => {
      const { member, refreshToken, sessionId } = await signedIn();
      const first = await graphql(REFRESH, ANONYMOUS, { token: refreshToken });
      await breakOutbox();
      const replayed = await graphql(REFRESH, ANONYMOUS, { token: refreshToken });
      expect(replayed.errors?.[0]?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
      expect((await session(sessionId)).revokedAt).toBeNull();
      expect(await eventsAbout(member.id)).toEqual([]);
      await db().execute(sql`drop trigger if exists outbox_refuses on outbox`);
      expect((await graphql(REFRESH, ANONYMOUS, { token: first.data.refreshSession.refreshToken })).errors).toBeUndefined();
    });
  });

  it('should record session.ended when a member who left tries to refresh', async () => {
    const { member, refreshToken, sessionId } = await signedIn();
    await db().update(members).set({ status: 'LEFT' }).where(eq(members.id, member.id));
    expect((await graphql(REFRESH, ANONYMOUS, { token: refreshToken })).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect((await eventsAbout(member.id)).map((e) => sessionEndedPayload(e))).toEqual([expect.objectContaining({ sessionId, reason: 'member-left' })]);
  });

  describe('a status change by a coordinator', () => {
    it('should record member.access-changed with the access the member now has', async () => {
      const { member } = await signedIn();
      const answer = await graphql(SET_STATUS, callerFor(coordinator), { id: member.id, status: 'SUSPENDED', reason: 'Absent depuis six mois' });
      expect(answer.data?.setMemberStatus).toEqual({ id: member.id, status: 'SUSPENDED' });

      const events = await eventsAbout(member.id);
      expect(events.map((e) => [e.type, e.version])).toEqual([[MEMBER_ACCESS_CHANGED, 1]]);
      const payload = memberAccessChangedPayload(events[0]!);
      expect(payload).toEqual({ memberId: member.id, status: 'SUSPENDED', role: 'PROMENEUR', departments: ['32'], tokensExpireBy: expect.any(String) });
      expectTokensExpireByAfterTtl(events[0]!, payload.tokensExpireBy);
      // The coordinator's words about the member stay in members.
      expect(JSON.stringify(events)).not.toContain('six mois');
      const [change] = await db().select().from(statusChanges).where(eq(statusChanges.memberId, member.id));
      expect(events[0]!.occurredAt).toEqual(change!.at);

      // Back to ACTIVE: the member's access widens again, which the gateways must learn as well.
      await graphql(SET_STATUS, callerFor(coordinator), { id: member.id, status: 'ACTIVE', reason: '' });
      expect((await eventsAbout(member.id)).map((e) => memberAccessChangedPayload(e).status)).toEqual(['SUSPENDED', 'ACTIVE']);
    });

    it('should record nothing for a change it refuses', async () => {
      const { member } = await signedIn({ status: 'SUSPENDED' });
      const answer = await graphql(SET_STATUS, callerFor(coordinator), { id: member.id, status: 'SUSPENDED', reason: 'encore' });
      expect(answer.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
      expect(await eventsAbout(member.id)).toEqual([]);
    });

    it('should change nothing when the event cannot be written', async () => {
      const { member } = await signedIn();
      await breakOutbox();
      const answer = await graphql(SET_STATUS, callerFor(coordinator), { id: member.id, status: 'LEFT', reason: 'A quitté la structure' });
      expect(answer.errors?.[0]?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
      const [row] = await db().select().from(members).where(eq(members.id, member.id));
      expect(row!.status).toBe('ACTIVE');
      expect(await db().select().from(statusChanges).where(eq(statusChanges.memberId, member.id))).toEqual([]);
      expect(await eventsAbout(member.id)).toEqual([]);
    });
  });
});
