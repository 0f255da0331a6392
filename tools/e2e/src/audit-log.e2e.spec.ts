import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditLogDocument, MemberDocument, MemberPresenceDocument, type AuditLogQuery, type PdnClient, type PdnResult } from '@pdn/client';
import { eventually } from '@pdn/domain-events/testing';
import { activate, createStructure, join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

const codeOf = (result: PdnResult<unknown>) => result.errors?.[0]?.extensions?.['code'];

type AuditEntry = AuditLogQuery['auditLog']['edges'][number]['node'];

/** A day `days` before today in Paris, YYYY-MM-DD (the subgraphs run on the real clock here). */
function parisDaysAgo(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
}

// The audit of private reads across the system: members records the reads it serves itself; calendar's
// (a coordinator reading `presence`) travel as audit.private-read events in calendar's outbox, which
// members follows. Admins read both in one `auditLog`.
describe('the audit log of private reads through the gateway', () => {
  let system: RunningSystem;
  let admin: PdnClient;
  let coordinator: Person;
  let isabelle: Person;
  const period = { from: parisDaysAgo(13), to: parisDaysAgo(0) };

  /** The entries about `person`, newest first. */
  async function entriesAbout(person: Person): Promise<AuditEntry[]> {
    const result = await admin.request(AuditLogDocument, { filter: { subjectId: person.id }, first: 100 });
    expect(result.errors).toBeUndefined();
    return result.data!.auditLog.edges.map((e) => e.node);
  }

  beforeAll(async () => {
    system = await startSystem();
    admin = await signInAdmin(system);
    const structureId = await createStructure(admin);
    coordinator = await join(system, admin, { structureId, email: 'coordination@caf32.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    isabelle = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId, email: 'isabelle@bij-auch.test', firstName: 'Isabelle', lastName: 'Laffargue' }));
  });

  afterAll(() => system?.close());

  it("should record a coordinator's reads of a member's private fields in members and in calendar, under each service", async () => {
    const profile = await coordinator.client.request(MemberDocument, { id: isabelle.id });
    expect(profile.errors).toBeUndefined();
    expect(profile.data!.member!.statusHistory.length).toBeGreaterThan(0);
    const presence = await coordinator.client.request(MemberPresenceDocument, { id: isabelle.id, ...period });
    expect(presence.errors).toBeUndefined();
    expect(presence.data!.member!.presence).not.toBeNull();

    // Members' own entry is written before its answer leaves; calendar's arrives through its event log.
    const entries = await eventually(async () => {
      const found = await entriesAbout(isabelle);
      return found.some((e) => e.service === 'calendar') ? found : undefined;
    }, "calendar's audit entry in members' log", { timeoutMs: 20_000, everyMs: 200 });

    const byCoordinator = entries.filter((e) => e.actor?.id === coordinator.id);
    expect(byCoordinator.find((e) => e.operationName === 'Member')).toMatchObject({
      service: 'members',
      subject: { id: isabelle.id, displayName: isabelle.displayName },
      fields: ['charterAcceptedAt', 'statusHistory'],
      actorApiKeyId: null,
    });
    expect(byCoordinator.filter((e) => e.service === 'calendar')).toEqual([
      expect.objectContaining({ operationName: 'MemberPresence', fields: ['presence'], subject: { id: isabelle.id, displayName: isabelle.displayName } }),
    ]);
  });

  it("should not record the member's reads of their own record, in members or in calendar", async () => {
    const before = await entriesAbout(isabelle);
    expect((await isabelle.client.request(MemberDocument, { id: isabelle.id })).errors).toBeUndefined();
    const own = await isabelle.client.request(MemberPresenceDocument, { id: isabelle.id, ...period });
    expect(own.data!.member!.presence).not.toBeNull();
    // A coordinator's read after them: once it is on record, anything the member's reads had produced
    // (events are applied in order) would be too.
    expect((await coordinator.client.request(MemberPresenceDocument, { id: isabelle.id, ...period })).errors).toBeUndefined();
    const after = await eventually(async () => {
      const found = await entriesAbout(isabelle);
      return found.filter((e) => e.service === 'calendar').length > before.filter((e) => e.service === 'calendar').length ? found : undefined;
    }, "the coordinator's second calendar entry", { timeoutMs: 20_000, everyMs: 200 });

    expect(after.filter((e) => e.actor?.id === isabelle.id)).toEqual([]);
    expect(after).toHaveLength(before.length + 1);
  });

  it('should refuse the log to anyone but an admin', async () => {
    for (const client of [coordinator.client, isabelle.client]) {
      expect(codeOf(await client.request(AuditLogDocument, { filter: { subjectId: isabelle.id } }))).toBe('FORBIDDEN');
    }
    expect(codeOf(await system.anonymous.request(AuditLogDocument, {}))).toBe('UNAUTHENTICATED');
  });
});
