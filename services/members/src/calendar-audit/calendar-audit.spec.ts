import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { domainEventCursors, processedDomainEvents, type DomainEvent } from '@pdn/domain-events';
import { eventually, startScriptedEventLog } from '@pdn/domain-events/testing';
import { IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER } from '@pdn/identity';
import { createLogger } from '@pdn/logging';
import { AUDIT_PRIVATE_READ, privateReadPayload, type RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { auditEntries } from '../db/audit.tables.js';
import { membersSchema, type MemberRow, type MembersSchema } from '../db/members.tables.js';
import { MEMBERS_MIGRATIONS, startMembers } from '../members-app.js';
import { loadMembersSettings } from '../members.config.js';
import { callerFor, insertMember } from '../../test/members-fixtures.js';

/**
 * Calendar's `GET /events` as members meets it: a scripted log over real HTTP (the end-to-end tests run
 * the real calendar), behind a door the test opens: closed, every connection is cut, as when calendar
 * is down or not started yet.
 */
async function startCalendarLog(key: string) {
  const log = await startScriptedEventLog('calendar', key);
  let open = false;
  const server: Server = createServer((req, res) => {
    if (!open) {
      req.socket.destroy();
      return;
    }
    const target = new URL(req.url ?? '/', log.url);
    const headers: Record<string, string> = {};
    for (const name of [IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER]) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    fetch(target, { headers })
      .then(async (answer) => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()))
      .catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    log,
    url: `http://127.0.0.1:${port}/events`,
    open: () => (open = true),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await log.close();
    },
  };
}

describe("members: calendar's private reads reach the audit log through its events", () => {
  const key = identitySigningKey(loadMembersSettings({ NODE_ENV: 'test' }));
  const logged: { level: number; msg: string }[] = [];
  // Captures what members logs, without printing it (pino levels: 40 warn, 50 error).
  const logger = createLogger('members', 'debug', {
    hooks: {
      logMethod(args, _method, level) {
        const msg = args.find((a): a is string => typeof a === 'string') ?? '';
        logged.push({ level, msg });
      },
    },
  });
  let testDb: TestDatabase<MembersSchema>;
  let calendar: Awaited<ReturnType<typeof startCalendarLog>>;
  let subgraph: RunningSubgraph;
  let coordinator: MemberRow;
  let lea: MemberRow;
  let admin: MemberRow;
  let delivered: DomainEvent | undefined;
  /** What members' database is sent, to count the statements applying events costs. */
  const sent: string[] = [];
  const graphql = signedGraphql(() => subgraph.url, key);
  const db = () => testDb.database.db;

  const auditOf = (subject: MemberRow) =>
    graphql('query ($s: ID!) { auditLog(filter: { subjectId: $s }) { totalCount edges { node { actor { id } subject { id } fields operationName service at } } } }', callerFor(admin), {
      s: subject.id,
    });

  async function appliedUpTo(position: number) {
    await eventually(async () => {
      const [cursor] = await db().select().from(domainEventCursors).where(eq(domainEventCursors.producer, 'calendar'));
      return cursor && cursor.position >= position ? true : undefined;
    }, `members to reach position ${position} of the calendar log`);
  }

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'members', migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema, onQuery: (sql) => sent.push(sql) });
    coordinator = await insertMember(testDb.database, { firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    lea = await insertMember(testDb.database, { firstName: 'Léa', lastName: 'Armagnac' });
    admin = await insertMember(testDb.database, { firstName: 'Ada', lastName: 'Admin', role: 'ADMIN', department: '75' });
    calendar = await startCalendarLog(key);
    const settings = loadMembersSettings({
      MEMBERS_PORT: '0',
      NODE_ENV: 'test',
      CALENDAR_EVENTS_URL: calendar.url,
      DOMAIN_EVENTS_WAIT_SECONDS: '0',
      DOMAIN_EVENTS_MIN_BACKOFF_MS: '20',
      DOMAIN_EVENTS_MAX_BACKOFF_MS: '100',
    });
    subgraph = await startMembers(settings, { database: testDb.database, logger });
  });

  afterAll(async () => {
    await subgraph?.close();
    await calendar?.close();
    await testDb?.dispose();
  });

  it('should start and serve while calendar is unreachable, retrying without errors (a producer not started yet is awaited, not warned about)', async () => {
    const retries = () => logged.filter((l) => l.msg === 'waiting for the producer of domain events to start' || l.msg === 'domain events could not be read; retrying');
    await eventually(() => (retries().length >= 3 ? true : undefined), 'three retries');
    const { data, errors } = await auditOf(lea);
    expect(errors).toBeUndefined();
    expect(data.auditLog.totalCount).toBe(0);
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
    // Within the first 30 s calendar may simply be starting: info, not warn.
    expect(retries()[0]).toMatchObject({ msg: 'waiting for the producer of domain events to start', level: 30 });
  });

  it("should record a coordinator's read of presence under the service 'calendar' once calendar answers", async () => {
    calendar.open();
    const at = new Date('2026-04-01T08:00:00.000Z');
    const read = privateReadPayload({ actor: { kind: 'member', memberId: coordinator.id }, subjectId: lea.id, fields: ['presence'], operationName: 'Compliance', at, requestId: 'r-1' });
    delivered = calendar.log.push({ type: AUDIT_PRIVATE_READ, payload: read });
    await appliedUpTo(delivered.position);

    const { data, errors } = await auditOf(lea);
    expect(errors).toBeUndefined();
    expect(data.auditLog).toEqual({
      totalCount: 1,
      edges: [{ node: { actor: { id: coordinator.id }, subject: { id: lea.id }, fields: ['presence'], operationName: 'Compliance', service: 'calendar', at: expect.any(String) } }],
    });
    expect(Date.parse(data.auditLog.edges[0].node.at)).toBe(at.getTime());
    expect(await db().select({ requestId: auditEntries.requestId }).from(auditEntries)).toEqual([{ requestId: 'r-1' }]);
  });

  it('should not record the read again when its event is delivered twice', async () => {
    // The same event (same id) later in the log, as an at-least-once producer may deliver it.
    const again = calendar.log.push({ id: delivered!.id, type: delivered!.type, payload: delivered!.payload });
    await appliedUpTo(again.position);
    expect(await db().select().from(auditEntries)).toHaveLength(1);
    expect(await db().select().from(processedDomainEvents)).toHaveLength(1);
    expect((await auditOf(lea)).data.auditLog.totalCount).toBe(1);
  });

  it("should write a page of reads (a coordinator's report over 25 members) in one transaction of a constant number of statements", async () => {
    const members = [];
    for (let i = 0; i < 25; i++) members.push(await insertMember(testDb.database, { firstName: `Membre${i}`, lastName: 'Rapport' }));
    const at = new Date('2026-04-02T08:00:00.000Z');
    sent.length = 0;
    // One request's reads: written to calendar's outbox together, served in one page.
    const events = members.map((member, i) =>
      calendar.log.push({
        type: AUDIT_PRIVATE_READ,
        payload: privateReadPayload({ actor: { kind: 'member', memberId: coordinator.id }, subjectId: member.id, fields: ['presence'], operationName: 'Report', at, requestId: `report-${i}` }),
      }),
    );
    await appliedUpTo(events.at(-1)!.position);

    // What the consumer sent (the test's own reads of the cursor left out): one of each, for 25 events.
    const consumer = sent.filter((sql) => /for update|^insert into "(audit_entries|processed_domain_events)"|^update "domain_event_cursors"/i.test(sql));
    expect(consumer.map((sql) => /^(select|insert into "\w+"|update "\w+")/i.exec(sql)![0].toLowerCase())).toEqual([
      'select',
      'insert into "processed_domain_events"',
      'insert into "audit_entries"',
      'update "domain_event_cursors"',
    ]);
    const entries = await db().select({ subjectId: auditEntries.subjectId, service: auditEntries.service, requestId: auditEntries.requestId }).from(auditEntries).where(eq(auditEntries.operationName, 'Report'));
    expect(entries).toHaveLength(25);
    expect(new Set(entries.map((e) => e.subjectId))).toEqual(new Set(members.map((m) => m.id)));
    expect(entries.every((e) => e.service === 'calendar')).toBe(true);
  });

  it('should not record again a page of reads delivered again, nor a read repeated within a page', async () => {
    const before = (await db().select().from(auditEntries)).length;
    const processed = (await db().select().from(processedDomainEvents)).length;
    const read = (requestId: string) =>
      privateReadPayload({ actor: { kind: 'member', memberId: coordinator.id }, subjectId: lea.id, fields: ['presence'], operationName: 'Again', at: new Date('2026-04-03T08:00:00.000Z'), requestId });
    const a = calendar.log.push({ type: AUDIT_PRIVATE_READ, payload: read('again-a') });
    const b = calendar.log.push({ type: AUDIT_PRIVATE_READ, payload: read('again-b') });
    // b again in the same page, then the earlier delivered event again.
    calendar.log.push({ id: b.id, type: AUDIT_PRIVATE_READ, payload: b.payload });
    const last = calendar.log.push({ id: delivered!.id, type: AUDIT_PRIVATE_READ, payload: delivered!.payload });
    await appliedUpTo(last.position);
    expect((await db().select().from(auditEntries)).length).toBe(before + 2);
    expect((await db().select().from(processedDomainEvents)).length).toBe(processed + 2);
    expect(await db().select({ requestId: auditEntries.requestId }).from(auditEntries).where(eq(auditEntries.operationName, 'Again'))).toEqual(
      expect.arrayContaining([{ requestId: 'again-a' }, { requestId: 'again-b' }]),
    );
    expect(a.position).toBeLessThan(b.position);
  });

  // Last: the malformed event is retried for ever, holding up what follows it (as one event at a time did).
  it('should apply the reads before a malformed event of a page, and retry that one with the rest waiting behind it', async () => {
    const read = (requestId: string) =>
      privateReadPayload({ actor: { kind: 'member', memberId: coordinator.id }, subjectId: lea.id, fields: ['presence'], operationName: 'Poison', at: new Date('2026-04-04T08:00:00.000Z'), requestId });
    const good = calendar.log.push({ type: AUDIT_PRIVATE_READ, payload: read('before') });
    const bad = calendar.log.push({ type: AUDIT_PRIVATE_READ, payload: { actorKind: 'robot' } });
    calendar.log.push({ type: AUDIT_PRIVATE_READ, payload: read('after') });
    await appliedUpTo(good.position);
    await eventually(() => (logged.filter((l) => l.msg === 'applying a domain event failed; retrying').length >= 2 ? true : undefined), 'the malformed event to be retried');
    const [cursor] = await db().select().from(domainEventCursors).where(eq(domainEventCursors.producer, 'calendar'));
    expect(cursor!.position).toBe(bad.position - 1);
    expect(await db().select({ requestId: auditEntries.requestId }).from(auditEntries).where(eq(auditEntries.operationName, 'Poison'))).toEqual([{ requestId: 'before' }]);
  });
});
