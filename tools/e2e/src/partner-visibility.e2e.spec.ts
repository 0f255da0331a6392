import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AlertsDocument,
  AuditLogDocument,
  CreateApiKeyDocument,
  CreateEventDocument,
  EventsDocument,
  MeDocument,
  MemberDocument,
  MemberPresenceDocument,
  PartnerFeedDocument,
  PublicDirectoryDocument,
  PublishPostDocument,
  RaiseAlertDocument,
  StructuresDocument,
  type ApiScope,
  type PdnClient,
  type PdnResult,
} from '@pdn/client';
import { activate, createStructure, daysFromNow, join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

const codeOf = (result: PdnResult<unknown>) => result.errors?.[0]?.extensions?.['code'];

function ok<T>(result: PdnResult<T>, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

// Partner applications through the gateway with real API keys: public data within their scopes and
// départements, FORBIDDEN for a missing scope or another département, null for hidden fields; and the
// audit log of coordinators' private reads, which admins query.
describe('partner applications and the audit of private reads, through the gateway', () => {
  let system: RunningSystem;
  let admin: PdnClient;
  let coordinator: Person;
  let promeneur: Person;
  /** Every scope, for the Gers. */
  let gersReader: PdnClient;
  /** FEED_READ only, for the Gers. */
  let feedOnly: PdnClient;

  async function apiKey(scopes: ApiScope[], departments: string[]): Promise<PdnClient> {
    const created = ok(await admin.request(CreateApiKeyDocument, { input: { name: `Partenaire ${scopes.join('+')}`, scopes, departments } }), 'createApiKey');
    return system.anonymous.withApiKey(created.createApiKey.secret);
  }

  beforeAll(async () => {
    system = await startSystem();
    admin = await signInAdmin(system);
    const structureId = await createStructure(admin);
    coordinator = await join(system, admin, { structureId, email: 'coordination@caf32.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    promeneur = await activate(
      system,
      coordinator.client,
      await join(system, coordinator.client, { structureId, email: 'isabelle@bij-auch.test', firstName: 'Isabelle', lastName: 'Laffargue' }),
    );
    gersReader = await apiKey(['DIRECTORY_READ', 'CALENDAR_READ', 'FEED_READ', 'ALERTS_READ'], ['32']);
    feedOnly = await apiKey(['FEED_READ'], ['32']);

    // A public and a network post by the promeneur, events in the Gers and in the Haute-Garonne, an alert.
    for (const audience of ['PUBLIC', 'NETWORK'] as const) {
      ok(
        await promeneur.client.request(PublishPostDocument, { input: { kind: 'NEWS', title: `Permanence ${audience}`, body: 'Le mercredi soir sur Instagram.', audience } }),
        'publishPost',
      );
    }
    for (const department of ['32', '31']) {
      ok(
        await admin.request(CreateEventDocument, {
          input: { kind: 'WORKSHOP', title: `Atelier ${department}`, startsAt: daysFromNow(10), endsAt: daysFromNow(10, 12), department, status: 'PUBLISHED' },
        }),
        'createEvent',
      );
    }
    ok(
      await coordinator.client.request(RaiseAlertDocument, {
        input: { severity: 'WARNING', category: 'SCAM', title: 'Faux concours sur Instagram', body: 'Un compte promet des places de concert.', departments: ['32'] },
      }),
      'raiseAlert',
    );
  });

  afterAll(() => system?.close());

  describe('a partner application', () => {
    it("should read the public directory of its départements, without contact details or private fields", async () => {
      const directory = ok(await gersReader.request(PublicDirectoryDocument, { filter: { department: '32' } }), 'directory');
      expect(directory.members.edges.map((e) => e.node.id)).toEqual([promeneur.id]);
      const member = await gersReader.request(MemberDocument, { id: promeneur.id });
      expect(member.errors).toBeUndefined();
      expect(member.data!.member).toMatchObject({ firstName: 'Isabelle', lastName: null, email: null, phone: null, charterAcceptedAt: null, statusHistory: [] });
    });

    it('should be refused another département, and a list its key has no scope for, with FORBIDDEN', async () => {
      expect(codeOf(await gersReader.request(PublicDirectoryDocument, { filter: { department: '31' } }))).toBe('FORBIDDEN');
      expect(codeOf(await gersReader.request(EventsDocument, { filter: { department: '31' } }))).toBe('FORBIDDEN');
      expect(codeOf(await feedOnly.request(PublicDirectoryDocument, {}))).toBe('FORBIDDEN');
      expect(codeOf(await feedOnly.request(StructuresDocument, {}))).toBe('FORBIDDEN');
      expect(codeOf(await feedOnly.request(EventsDocument, {}))).toBe('FORBIDDEN');
      expect(codeOf(await feedOnly.request(AlertsDocument, {}))).toBe('FORBIDDEN');
    });

    it("should list the events of its départements only", async () => {
      const events = ok(await gersReader.request(EventsDocument, {}), 'events');
      expect(events.events.edges.map((e) => e.node.title)).toEqual(['Atelier 32']);
      expect(events.events.edges[0]!.node.myRegistration).toBeNull();
    });

    it('should read public posts only, with their authors resolved by members and their contact fields hidden', async () => {
      for (const client of [gersReader, feedOnly]) {
        const feed = ok(await client.request(PartnerFeedDocument, {}), 'feed');
        expect(feed.feed.edges.map((e) => e.node)).toEqual([
          {
            id: expect.any(String),
            title: 'Permanence PUBLIC',
            department: '32',
            audience: 'PUBLIC',
            author: { id: promeneur.id, displayName: promeneur.displayName, lastName: null, email: null, phone: null },
          },
        ]);
      }
      expect(codeOf(await feedOnly.request(PartnerFeedDocument, { filter: { department: '40' } }))).toBe('FORBIDDEN');
    });

    it("should read the alerts of its départements with ALERTS_READ", async () => {
      const alerts = ok(await gersReader.request(AlertsDocument, {}), 'alerts');
      expect(alerts.alerts.edges.map((e) => e.node)).toEqual([
        expect.objectContaining({ title: 'Faux concours sur Instagram', departments: ['32'], acknowledgedByMe: false, raisedBy: { id: coordinator.id, displayName: coordinator.displayName } }),
      ]);
    });

    it("should see no one's presence, and run no mutation", async () => {
      const presence = await gersReader.request(MemberPresenceDocument, { id: promeneur.id, from: '2026-01-01', to: '2026-01-31' });
      expect(presence.errors?.[0]).toMatchObject({ path: ['member', 'presence'], extensions: { code: 'FORBIDDEN' } });
      expect(presence.data?.member ?? null).toBeNull();
      expect(codeOf(await gersReader.request(PublishPostDocument, { input: { kind: 'NEWS', title: 'Intrus', body: 'Non.', audience: 'PUBLIC' } }))).toBe('FORBIDDEN');
      expect(codeOf(await gersReader.request(MeDocument))).toBe('FORBIDDEN');
    });
  });

  describe('the audit log', () => {
    it("should record a coordinator's read of a member's private fields, under the client's operation name, and not the member's own", async () => {
      expect((await promeneur.client.request(MeDocument)).errors).toBeUndefined();
      const read = await coordinator.client.request(MemberDocument, { id: promeneur.id });
      expect(read.errors).toBeUndefined();
      expect(read.data!.member!.statusHistory.length).toBeGreaterThan(0);

      const log = ok(await admin.request(AuditLogDocument, { filter: { subjectId: promeneur.id, actorId: coordinator.id } }), 'auditLog');
      expect(log.auditLog.edges[0]!.node).toMatchObject({
        actor: { id: coordinator.id, displayName: coordinator.displayName },
        actorApiKeyId: null,
        subject: { id: promeneur.id },
        fields: ['charterAcceptedAt', 'statusHistory'],
        operationName: 'Member',
        service: 'members',
      });
      const ownReads = ok(await admin.request(AuditLogDocument, { filter: { actorId: promeneur.id } }), 'auditLog');
      expect(ownReads.auditLog.totalCount).toBe(0);
    });

    it('should be for admins only', async () => {
      expect(codeOf(await coordinator.client.request(AuditLogDocument, {}))).toBe('FORBIDDEN');
      expect(codeOf(await gersReader.request(AuditLogDocument, {}))).toBe('FORBIDDEN');
      expect(codeOf(await system.anonymous.request(AuditLogDocument, {}))).toBe('UNAUTHENTICATED');
    });
  });
});
