import 'reflect-metadata';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { createPubSub, type PubSubEngine } from '@pdn/pubsub';
import { loadFeedSettings } from '../feed.config.js';
import { FEED_MIGRATIONS } from '../feed-app.js';
import { alertAcknowledgements, alerts, feedSchema, type AlertRow, type FeedSchema } from '../db/feed.tables.js';
import { admin, alertInput, anonymous, coordinatorOf, partner, promeneurOf, refusal, TestClock } from '../../test/alerts-fixtures.js';
import { AlertCategory, AlertSeverity, AlertStatus } from './alert.enums.js';
import { AlertsRepository } from './alerts.repository.js';
import { ALERT_UPDATED_TOPIC, AlertsService, type AlertUpdatedEvent } from './alerts.service.js';

const quiet = { info() {}, warn() {}, error() {} };

// Medium tier: the alert rules, streams and reminders against a real database (PostgreSQL when
// TEST_DATABASE_URL is set, PGlite otherwise) and the in-process pub/sub engine.
describe('network alerts', () => {
  let testDb: TestDatabase<FeedSchema>;
  let pubsub: PubSubEngine;
  let service: AlertsService;
  const statements: string[] = [];
  const settings = loadFeedSettings({ ALERT_REMINDER_MINUTES: '15' });
  const clock = new TestClock(new Date('2026-03-10T10:00:00+01:00'));
  const gers = coordinatorOf('32');
  const toulouse = coordinatorOf('31');
  const auch = promeneurOf('32');
  const condom = promeneurOf('32');
  const muret = promeneurOf('31');

  const serviceOn = (engine: PubSubEngine) => new AlertsService(new AlertsRepository(testDb.database), engine, settings, clock);

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'feed', migrationsFolder: FEED_MIGRATIONS, schema: feedSchema, onQuery: (sql) => statements.push(sql) });
  });

  afterAll(() => testDb.dispose());

  beforeEach(async () => {
    clock.set('2026-03-10T10:00:00+01:00');
    await testDb.database.db.delete(alertAcknowledgements);
    await testDb.database.db.delete(alerts);
    pubsub = createPubSub({ logger: quiet });
    service = serviceOn(pubsub);
  });

  afterEach(() => pubsub.close());

  /** Raises at the clock's time, then moves the clock a minute on so raisedAt values differ. */
  async function raise(overrides: Parameters<typeof alertInput>[0] = {}, by = gers): Promise<AlertRow> {
    const alert = await service.raise(by, alertInput(overrides));
    clock.advanceMinutes(1);
    return alert;
  }

  describe('raising', () => {
    it('should store the alert raised by the coordinator, ACTIVE, and announce it', async () => {
      const live = pubsub.subscribe<{ alert: AlertRow }>('alerts.raised');
      const alert = await service.raise(gers, alertInput({ severity: AlertSeverity.CRITICAL }));
      expect(alert).toMatchObject({ raisedBy: gers.memberId, departments: ['32'], severity: 'CRITICAL' });
      expect(service.status(alert)).toBe(AlertStatus.ACTIVE);
      const event = await live.next();
      expect(event.value?.alert.id).toBe(alert.id);
      expect(event.value?.alert.raisedAt).toBeInstanceOf(Date);
      await live.return();
    });

    it('should let coordinators raise only for their départements, admins for any', async () => {
      await refusal(service.raise(toulouse, alertInput({ departments: ['32'] })), 'FORBIDDEN');
      await refusal(service.raise(anonymous, alertInput()), 'UNAUTHENTICATED');
      expect((await service.raise(admin(), alertInput({ departments: ['31', '32'] }))).departments).toEqual(['31', '32']);
    });

    it('should refuse contact data in the body with BAD_USER_INPUT on input.body', async () => {
      await refusal(service.raise(gers, alertInput({ body: 'Sa mère : 06 12 34 56 78' })), 'BAD_USER_INPUT', 'input.body');
      expect(await testDb.database.db.select().from(alerts)).toHaveLength(0);
    });
  });

  describe('reading', () => {
    it("should show members the alerts of their départements only, partners their key's, and nothing to anonymous callers", async () => {
      const inGers = await raise();
      const inHauteGaronne = await raise({ departments: ['31'] }, toulouse);
      const both = await raise({ departments: ['31', '32'] }, admin());

      const ids = async (caller: Parameters<AlertsService['list']>[0]) => (await service.list(caller, null)).edges.map((e) => e.node.id);
      expect(await ids(auch)).toEqual([both.id, inGers.id]);
      expect(await ids(muret)).toEqual([both.id, inHauteGaronne.id]);
      expect(await ids(coordinatorOf('31', '32'))).toEqual([both.id, inHauteGaronne.id, inGers.id]);
      expect(await ids(admin())).toHaveLength(3);

      expect(await service.get(auch, inHauteGaronne.id)).toBeNull();
      expect((await service.get(auch, inGers.id))?.id).toBe(inGers.id);
      await refusal(service.list(anonymous, null), 'UNAUTHENTICATED');
      await refusal(service.get(anonymous, inGers.id), 'UNAUTHENTICATED');
      // A partner with ALERTS_READ (the schema checks the scope) for the Gers.
      expect(await ids(partner)).toEqual([both.id, inGers.id]);
      expect((await service.get(partner, inGers.id))?.id).toBe(inGers.id);
      expect(await service.get(partner, inHauteGaronne.id)).toBeNull();
      await refusal(service.list(partner, { department: '31' }), 'FORBIDDEN');
      expect(await service.reference(partner, inGers.id)).toBeNull();
    });

    it('should filter by severity (and above), categories, département and activity', async () => {
      const info = await raise({ severity: AlertSeverity.INFO, category: AlertCategory.SCAM });
      const warning = await raise({ severity: AlertSeverity.WARNING, departments: ['31', '32'] }, admin());
      const critical = await raise({ severity: AlertSeverity.CRITICAL, category: AlertCategory.SCAM, expiresAt: new Date('2026-03-10T12:00:00+01:00') });
      const resolved = await raise({ severity: AlertSeverity.INFO });
      await service.resolve(gers, resolved.id, 'Fausse alerte');
      const reader = coordinatorOf('31', '32');
      const ids = async (filter: Parameters<AlertsService['list']>[1]) => (await service.list(reader, filter)).edges.map((e) => e.node.id);

      expect(await ids({ minSeverity: AlertSeverity.WARNING })).toEqual([critical.id, warning.id]);
      expect(await ids({ minSeverity: AlertSeverity.CRITICAL })).toEqual([critical.id]);
      expect(await ids({ categories: [AlertCategory.SCAM] })).toEqual([critical.id, info.id]);
      expect(await ids({ department: '31' })).toEqual([warning.id]);
      expect(await ids({ activeOnly: true })).toEqual([critical.id, warning.id, info.id]);
      clock.set('2026-03-10T12:00:00+01:00');
      expect(await ids({ activeOnly: true })).toEqual([warning.id, info.id]);
      await refusal(service.list(reader, { department: '999' }), 'BAD_USER_INPUT', 'filter.department');
    });

    it('should page newest first with a cursor', async () => {
      const raised = [];
      for (let i = 0; i < 5; i++) raised.push(await raise({ title: `Alerte numéro ${i}` }));
      const first = await service.list(auch, null, 2);
      expect(first.totalCount).toBe(5);
      expect(first.edges.map((e) => e.node.id)).toEqual([raised[4]!.id, raised[3]!.id]);
      const second = await service.list(auch, null, 2, first.pageInfo.endCursor);
      expect(second.edges.map((e) => e.node.id)).toEqual([raised[2]!.id, raised[1]!.id]);
    });

    it('should say EXPIRED once expiresAt has passed, from the clock', async () => {
      const alert = await raise({ expiresAt: new Date('2026-03-10T11:00:00+01:00') });
      expect(service.status(alert)).toBe(AlertStatus.ACTIVE);
      clock.set('2026-03-10T11:00:00+01:00');
      expect(service.status(alert)).toBe(AlertStatus.EXPIRED);
    });
  });

  describe('acknowledging', () => {
    it('should count each member once (idempotent) and tell each whether they acknowledged', async () => {
      const alert = await raise();
      await service.acknowledge(auch, alert.id);
      await service.acknowledge(auch, alert.id);
      await service.acknowledge(condom, alert.id);
      expect(await service.acknowledgementCount(alert)).toBe(2);
      expect(await service.acknowledgedByMe(auch, alert)).toBe(true);
      expect(await service.acknowledgedByMe(gers, alert)).toBe(false);
      expect(await service.acknowledgedByMe(anonymous, alert)).toBe(false);
      expect(await service.hasAcknowledged(gers, condom.memberId, alert.id)).toBe(true);
      expect(await service.hasAcknowledged(gers, muret.memberId, alert.id)).toBe(false);
    });

    it('should refuse members of other départements, admins outside them, and unknown alerts', async () => {
      const alert = await raise();
      await refusal(service.acknowledge(muret, alert.id), 'NOT_FOUND');
      await refusal(service.acknowledge(admin(), alert.id), 'FORBIDDEN');
      await refusal(service.acknowledge(auch, '00000000-0000-4000-8000-000000000000'), 'NOT_FOUND');
      await refusal(service.acknowledge(partner, alert.id), 'FORBIDDEN');
      await refusal(service.hasAcknowledged(muret, auch.memberId, alert.id), 'NOT_FOUND');
    });

    it('should refuse acknowledging a resolved or expired alert with CONFLICT', async () => {
      const resolved = await raise();
      await service.resolve(gers, resolved.id, 'Situation réglée');
      await refusal(service.acknowledge(auch, resolved.id), 'CONFLICT');
      const expiring = await raise({ expiresAt: new Date('2026-03-10T11:00:00+01:00') });
      clock.set('2026-03-10T11:00:00+01:00');
      await refusal(service.acknowledge(auch, expiring.id), 'CONFLICT');
    });

    it('should read the counts and acknowledgedByMe of a page with the same number of statements, whatever its size', async () => {
      const measure = async () => {
        const page = await service.list(auch, null, 100);
        statements.length = 0;
        await Promise.all(page.edges.flatMap((e) => [service.acknowledgementCount(e.node), service.acknowledgedByMe(auch, e.node)]));
        return statements.length;
      };
      const first = await raise();
      await service.acknowledge(auch, first.id);
      const small = await measure();
      for (let i = 0; i < 6; i++) await service.acknowledge(condom, (await raise()).id);
      expect(await measure()).toBe(small);
      expect(small).toBe(2);
    });
  });

  describe('resolving', () => {
    it('should let a coordinator of a covered département resolve once, with a note', async () => {
      const alert = await raise({ departments: ['31', '32'] }, admin());
      await refusal(service.resolve(coordinatorOf('33'), alert.id, 'Réglé'), 'NOT_FOUND');
      await refusal(service.resolve(auch, alert.id, 'Réglé'), 'FORBIDDEN');
      await refusal(service.resolve(toulouse, alert.id, '  '), 'BAD_USER_INPUT', 'note');
      const resolved = await service.resolve(toulouse, alert.id, 'Le compte a été fermé.');
      expect(resolved).toMatchObject({ resolvedBy: toulouse.memberId, resolutionNote: 'Le compte a été fermé.' });
      expect(service.status(resolved)).toBe(AlertStatus.RESOLVED);
      await refusal(service.resolve(gers, alert.id, 'Encore'), 'CONFLICT');
    });
  });

  describe('alertRaised', () => {
    it('should replay the alerts raised after `since` in order, skip a live copy of a replayed one, then go on live', async () => {
      const before = await raise({ title: 'Avant' });
      const second = await raise({ title: 'Deuxième' });
      const third = await raise({ title: 'Troisième' });
      await raise({ title: 'Ailleurs', departments: ['31'] }, toulouse);

      const stream = service.raisedStream(auch, null, before.raisedAt);
      // A copy of a replayed alert arriving live (raised while the replay was read) is not sent twice.
      await pubsub.publish('alerts.raised', { alert: third });
      expect((await stream.next()).value?.id).toBe(second.id);
      expect((await stream.next()).value?.id).toBe(third.id);

      await raise({ title: 'Ailleurs encore', departments: ['31'] }, toulouse);
      const live = await raise({ title: 'En direct' });
      expect((await stream.next()).value?.id).toBe(live.id);
      await stream.return?.();
      expect(await stream.next()).toEqual({ value: undefined, done: true });
    });

    it('should apply the filter and the visibility to the replay and to live alerts', async () => {
      const since = clock.now();
      await raise({ severity: AlertSeverity.INFO });
      const replayed = await raise({ severity: AlertSeverity.CRITICAL });
      const stream = service.raisedStream(auch, { minSeverity: AlertSeverity.WARNING }, since);
      expect((await stream.next()).value?.id).toBe(replayed.id);
      await raise({ severity: AlertSeverity.INFO });
      await raise({ severity: AlertSeverity.CRITICAL, departments: ['31'] }, toulouse);
      const live = await raise({ severity: AlertSeverity.WARNING });
      expect((await stream.next()).value?.id).toBe(live.id);
      await stream.return?.();
    });

    it("should refuse anonymous callers, and partners asking for a département outside their key, before streaming", async () => {
      await refusal(() => service.raisedStream(anonymous, null, null), 'UNAUTHENTICATED');
      await refusal(() => service.raisedStream(partner, { department: '31' }, null), 'FORBIDDEN');
    });

    it('should end a waiting stream at once on return()', async () => {
      const stream = service.raisedStream(auch, null, null);
      const pending = stream.next();
      await new Promise((resolve) => setImmediate(resolve));
      await stream.return?.();
      expect(await pending).toEqual({ value: undefined, done: true });
    });
  });

  describe('alertUpdated', () => {
    it('should announce acknowledgements (not repeated ones) and resolutions of the alerts the caller sees', async () => {
      const alert = await raise();
      const elsewhere = await raise({ departments: ['31'] }, toulouse);
      const stream = await service.updatedStream(gers, alert.id);
      const all = await service.updatedStream(auch, null);
      await service.acknowledge(auch, alert.id);
      await service.acknowledge(auch, alert.id);
      await service.acknowledge(muret, elsewhere.id);
      await service.resolve(gers, alert.id, 'Réglé');

      const first = (await stream.next()).value!;
      expect(first.id).toBe(alert.id);
      expect(await service.acknowledgementCount(first)).toBe(1);
      expect((await stream.next()).value?.resolvedAt).toBeInstanceOf(Date);
      // The Gers promeneur does not see the Haute-Garonne acknowledgement.
      expect((await all.next()).value?.id).toBe(alert.id);
      expect((await all.next()).value?.resolvedAt).toBeInstanceOf(Date);
      await stream.return?.();
      await all.return?.();
    });

    it('should refuse an alert the caller cannot see', async () => {
      const elsewhere = await raise({ departments: ['31'] }, toulouse);
      await refusal(service.updatedStream(auch, elsewhere.id), 'NOT_FOUND');
      await refusal(service.updatedStream(anonymous, null), 'UNAUTHENTICATED');
    });
  });

  describe('across replicas (Redis)', () => {
    it('should deliver an alert raised through one replica to a subscriber of another, and a reminder once', async () => {
      const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
      const channelPrefix = `pdn-test-${Date.now()}-${Math.random()}:`;
      const engineA = createPubSub({ redisUrl, channelPrefix, logger: quiet });
      const engineB = createPubSub({ redisUrl, channelPrefix, logger: quiet });
      try {
        const replicaA = serviceOn(engineA);
        const replicaB = serviceOn(engineB);
        // Raised right away, maybe before B's SUBSCRIBE reached Redis: `since` makes the replay catch
        // it then, and the live copy is dropped; the reminder below crosses replicas after it.
        const raisedOnB = replicaB.raisedStream(auch, null, new Date(clock.now().getTime() - 1));
        const updatedOnB = await replicaB.updatedStream(condom, null);
        const alert = await replicaA.raise(gers, alertInput({ severity: AlertSeverity.CRITICAL }));
        const received = (await raisedOnB.next()).value!;
        expect(received.id).toBe(alert.id);
        expect(received.raisedAt).toEqual(alert.raisedAt);
        const at = new Date(alert.raisedAt.getTime() + 15 * 60_000);
        const [a, b] = await Promise.all([replicaA.runDueReminders(at), replicaB.runDueReminders(at)]);
        expect(a.length + b.length).toBe(1);
        expect((await updatedOnB.next()).value?.id).toBe(alert.id);
        await raisedOnB.return?.();
        await updatedOnB.return?.();
      } finally {
        await Promise.all([engineA.close(), engineB.close()]);
      }
    });
  });

  describe('CRITICAL reminders', () => {
    it('should remind every interval, until resolved or expired, only CRITICAL alerts', async () => {
      const critical = await raise({ severity: AlertSeverity.CRITICAL, expiresAt: new Date('2026-03-10T11:00:00+01:00') });
      await raise({ severity: AlertSeverity.WARNING });
      const resolvedLater = await raise({ severity: AlertSeverity.CRITICAL });
      const at = (time: string) => service.runDueReminders(new Date(time)).then((rows) => rows.map((r) => r.id).sort());

      expect(await at('2026-03-10T10:14:00+01:00')).toEqual([]);
      expect(await at('2026-03-10T10:15:00+01:00')).toEqual([critical.id]);
      expect(await at('2026-03-10T10:17:00+01:00')).toEqual([resolvedLater.id]);
      expect(await at('2026-03-10T10:20:00+01:00')).toEqual([]);
      expect(await at('2026-03-10T10:30:00+01:00')).toEqual([critical.id]);
      await service.resolve(gers, resolvedLater.id, 'Réglé');
      // 11:00: the first has expired, the other is resolved.
      expect(await at('2026-03-10T11:00:00+01:00')).toEqual([]);
    });

    it('should reach only the concerned members who have not acknowledged', async () => {
      const critical = await raise({ severity: AlertSeverity.CRITICAL, departments: ['31', '32'] }, admin());
      await service.acknowledge(auch, critical.id);
      const forAuch = await service.updatedStream(auch, critical.id);
      const forCondom = await service.updatedStream(condom, null);
      const forGers = await service.updatedStream(gers, null);
      const forAdmin = await service.updatedStream(admin(), null);

      expect(await service.runDueReminders(new Date('2026-03-10T10:15:00+01:00'))).toHaveLength(1);
      expect((await forCondom.next()).value?.id).toBe(critical.id);
      expect((await forGers.next()).value?.id).toBe(critical.id);
      // The others get nothing: a later update reaches everyone, and is the first thing they see.
      await service.acknowledge(muret, critical.id);
      expect((await forAuch.next()).value?.version).toBe(3);
      expect((await forAdmin.next()).value?.version).toBe(3);
      for (const stream of [forAuch, forCondom, forGers, forAdmin]) await stream.return?.();
    });

    it('should send each reminder once when two replicas run at the same instant', async () => {
      for (let i = 0; i < 4; i++) await raise({ severity: AlertSeverity.CRITICAL });
      const published: AlertUpdatedEvent[] = [];
      const counting = pubsub.subscribe<AlertUpdatedEvent>(ALERT_UPDATED_TOPIC);
      const replicaA = serviceOn(pubsub);
      const replicaB = serviceOn(pubsub);
      const now = new Date('2026-03-10T10:30:00+01:00');
      const [a, b] = await Promise.all([replicaA.runDueReminders(now), replicaB.runDueReminders(now)]);
      expect(a.length + b.length).toBe(4);
      expect(new Set([...a, ...b].map((r) => r.id)).size).toBe(4);
      for (let i = 0; i < 4; i++) published.push((await counting.next()).value!);
      expect(published.every((e) => e.reminder)).toBe(true);
      expect(await replicaA.runDueReminders(now)).toEqual([]);
      await counting.return();
    });
  });
});
