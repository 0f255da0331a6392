import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { DomainError } from '@pdn/errors';
import type { Caller, MemberCaller } from '@pdn/identity';
import { insertEvent, insertRegistration, newMemberId, parseFeed, TestClock } from '../../test/ics-fixtures.js';
import { loadCalendarSettings } from '../calendar.config.js';
import { CALENDAR_MIGRATIONS } from '../calendar-app.js';
import { calendarFeedTokens, calendarSchema, events, registrations, type CalendarSchema } from '../db/calendar.tables.js';
import { secretTokenHash } from '@pdn/identity';
import { IcsRepository } from './ics.repository.js';
import { IcsService } from './ics.service.js';

const NOW = new Date('2026-03-20T12:00:00Z');
const DAY = 86_400_000;

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const promeneur = (memberId: string): MemberCaller => ({ kind: 'member', memberId, role: 'PROMENEUR', status: 'ACTIVE', departments: ['32'] });

describe('IcsService', () => {
  let testDb: TestDatabase<CalendarSchema>;
  let service: IcsService;
  const clock = new TestClock(NOW);
  const settings = loadCalendarSettings({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'https://api.pdn.test/reseau/' });

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    service = new IcsService(new IcsRepository(testDb.database), settings, clock);
  });
  afterAll(() => testDb?.dispose());
  beforeEach(async () => {
    clock.set(NOW);
    await testDb.database.db.execute(sql`truncate ${calendarFeedTokens}, ${registrations}, ${events}`);
  });

  const publicFeed = async (query: Record<string, unknown> = {}) => parseFeed((await service.publicFeed(query)).body).events;
  const uids = (list: { uid: string }[]) => list.map((e) => e.uid);

  describe('public feed', () => {
    it('should list published, cancelled and completed events, never drafts, cancelled ones as STATUS:CANCELLED', async () => {
      const published = await insertEvent(testDb.database, { title: 'Atelier TikTok', kind: 'WORKSHOP', sequence: 2 });
      const cancelled = await insertEvent(testDb.database, { status: 'CANCELLED', cancelReason: 'Salle indisponible', sequence: 4, startsAt: new Date('2026-04-11T08:00:00Z') });
      const completed = await insertEvent(testDb.database, { status: 'COMPLETED', startsAt: new Date('2026-03-01T09:00:00Z') });
      await insertEvent(testDb.database, { status: 'DRAFT', title: 'Brouillon' });

      const feed = await publicFeed();
      expect(uids(feed).sort()).toEqual([published, cancelled, completed].map((e) => `${e.id}@pdn-network`).sort());
      const byUid = Object.fromEntries(feed.map((e) => [e.uid, e]));
      expect(byUid[`${published.id}@pdn-network`]).toMatchObject({ status: 'CONFIRMED', sequence: 2, summary: 'Atelier TikTok', categories: ['WORKSHOP'] });
      expect(byUid[`${cancelled.id}@pdn-network`]).toMatchObject({ status: 'CANCELLED', sequence: 4, summary: 'Annulé : Regroupement départemental' });
      expect(byUid[`${cancelled.id}@pdn-network`]!.description).toContain('Salle indisponible');
      expect(byUid[`${completed.id}@pdn-network`]!.status).toBe('CONFIRMED');
    });

    it('should keep events that ended in the last 90 days and every upcoming one, and drop older ones', async () => {
      const recent = await insertEvent(testDb.database, { startsAt: new Date(NOW.getTime() - 89 * DAY), status: 'COMPLETED' });
      await insertEvent(testDb.database, { startsAt: new Date(NOW.getTime() - 92 * DAY), status: 'COMPLETED' });
      const nextYear = await insertEvent(testDb.database, { startsAt: new Date('2027-03-20T09:00:00Z') });
      expect(uids(await publicFeed())).toEqual([`${recent.id}@pdn-network`, `${nextYear.id}@pdn-network`]);
    });

    it('should write times as Paris wall-clock times, 10:00 staying 10:00 across the change to summer time', async () => {
      // 2026-03-29 is the change: 10:00 is 09:00Z the day before and 08:00Z the day after.
      const before = await insertEvent(testDb.database, { startsAt: new Date('2026-03-28T09:00:00Z'), endsAt: new Date('2026-03-28T11:00:00Z') });
      const after = await insertEvent(testDb.database, { startsAt: new Date('2026-03-30T08:00:00Z'), endsAt: new Date('2026-03-30T10:00:00Z') });
      const text = (await service.publicFeed({})).body;
      expect(text).toContain('DTSTART;TZID=Europe/Paris:20260328T100000');
      expect(text).toContain('DTSTART;TZID=Europe/Paris:20260330T100000');
      const feed = await publicFeed();
      expect(feed.map((e) => e.localStart)).toEqual(['10:00 Europe/Paris', '10:00 Europe/Paris']);
      expect(feed.map((e) => e.start)).toEqual([before.startsAt, after.startsAt]);
      expect(feed.map((e) => e.end)).toEqual([before.endsAt, after.endsAt]);
    });

    it('should carry location, online URL and description', async () => {
      await insertEvent(testDb.database, { location: 'MJC, 8 rue Victor-Hugo, Auch', onlineUrl: 'https://visio.pdn.test/r/32', description: 'Échanges ; témoignages' });
      expect((await publicFeed())[0]).toMatchObject({ location: 'MJC, 8 rue Victor-Hugo, Auch', url: 'https://visio.pdn.test/r/32', description: 'Échanges ; témoignages' });
    });

    it('should filter on départements and kinds, as lists or repeated, in any case', async () => {
      const gersWorkshop = await insertEvent(testDb.database, { kind: 'WORKSHOP', department: '32' });
      const gersWebinar = await insertEvent(testDb.database, { kind: 'WEBINAR', department: '32' });
      const pyreneesWorkshop = await insertEvent(testDb.database, { kind: 'WORKSHOP', department: '65' });
      await insertEvent(testDb.database, { kind: 'WORKSHOP', department: '31' });
      const uid = (e: { id: string }) => `${e.id}@pdn-network`;
      expect(uids(await publicFeed({ department: '32' })).sort()).toEqual([gersWorkshop, gersWebinar].map(uid).sort());
      expect(uids(await publicFeed({ department: '32', kind: 'workshop' }))).toEqual([uid(gersWorkshop)]);
      expect(uids(await publicFeed({ department: '32,65', kind: ['WORKSHOP'] })).sort()).toEqual([gersWorkshop, pyreneesWorkshop].map(uid).sort());
      expect(uids(await publicFeed({ department: ['32', '65'], kind: 'WORKSHOP, WEBINAR' })).sort()).toEqual([gersWorkshop, gersWebinar, pyreneesWorkshop].map(uid).sort());
    });

    it('should name the départements in the calendar name', async () => {
      expect(parseFeed((await service.publicFeed({ department: '32' })).body).name).toBe('Promeneurs du Net – événements (32)');
    });

    it('should refuse a bad département, a bad kind or an unknown parameter, naming it', async () => {
      const department = await failure(service.publicFeed({ department: '999' }));
      expect(department).toMatchObject({ code: 'BAD_USER_INPUT', field: 'department' });
      expect(department.message).toContain('"999" is not a French département code');
      const kind = await failure(service.publicFeed({ kind: 'PARTY' }));
      expect(kind).toMatchObject({ code: 'BAD_USER_INPUT', field: 'kind' });
      expect(kind.message).toContain('"PARTY" is not an event kind (INITIAL_TRAINING, TRAINING, WORKSHOP, REGROUPEMENT, REGIONAL_DAY, WEBINAR)');
      expect(await failure(service.publicFeed({ departement: '32' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'departement' });
    });

    it('should keep the same ETag until an event changes, and show the bumped SEQUENCE after', async () => {
      const event = await insertEvent(testDb.database, { sequence: 1, updatedAt: new Date('2026-03-01T10:00:00Z') });
      const first = await service.publicFeed({});
      clock.set(new Date(NOW.getTime() + 60_000));
      expect((await service.publicFeed({})).etag).toBe(first.etag);
      expect(first.lastModified).toEqual(new Date('2026-03-01T10:00:00Z'));

      await testDb.database.db.update(events).set({ title: 'Regroupement (nouvelle salle)', sequence: 2, updatedAt: new Date('2026-03-20T12:30:00Z') }).where(eq(events.id, event.id));
      const second = await service.publicFeed({});
      expect(second.etag).not.toBe(first.etag);
      expect(second.lastModified).toEqual(new Date('2026-03-20T12:30:00Z'));
      expect(parseFeed(second.body).events[0]).toMatchObject({ uid: `${event.id}@pdn-network`, sequence: 2, summary: 'Regroupement (nouvelle salle)' });
    });
  });

  describe('private feed', () => {
    it('should not find a feed for an unknown, malformed or empty token', async () => {
      expect(await service.memberFeed('A'.repeat(43))).toBeNull();
      expect(await service.memberFeed('not-a-token')).toBeNull();
      expect(await service.memberFeed('')).toBeNull();
    });

    it("should list the member's confirmed registrations, and cancelled ones as STATUS:CANCELLED, nothing else and nobody else's", async () => {
      const memberId = newMemberId();
      const other = newMemberId();
      const confirmed = await insertEvent(testDb.database, { title: 'Formation initiale', kind: 'INITIAL_TRAINING', sequence: 1 });
      const left = await insertEvent(testDb.database, { title: 'Webinaire', kind: 'WEBINAR' });
      const eventCancelled = await insertEvent(testDb.database, { title: 'Regroupement', status: 'CANCELLED', sequence: 3 });
      const waitlisted = await insertEvent(testDb.database, { title: 'Complet' });
      const pending = await insertEvent(testDb.database, { title: 'Sur validation' });
      const rejected = await insertEvent(testDb.database, { title: 'Refusé' });
      const othersOnly = await insertEvent(testDb.database, { title: 'Autre membre' });
      const old = await insertEvent(testDb.database, { title: 'Il y a longtemps', status: 'COMPLETED', startsAt: new Date(NOW.getTime() - 120 * DAY) });
      await insertRegistration(testDb.database, confirmed, memberId, 'CONFIRMED');
      await insertRegistration(testDb.database, left, memberId, 'CANCELLED');
      await insertRegistration(testDb.database, eventCancelled, memberId, 'CANCELLED');
      await insertRegistration(testDb.database, waitlisted, memberId, 'WAITLISTED');
      await insertRegistration(testDb.database, pending, memberId, 'PENDING_APPROVAL');
      await insertRegistration(testDb.database, rejected, memberId, 'REJECTED');
      await insertRegistration(testDb.database, old, memberId, 'CONFIRMED');
      await insertRegistration(testDb.database, othersOnly, other, 'CONFIRMED');
      await insertRegistration(testDb.database, confirmed, other, 'CONFIRMED');

      const { token } = await service.rotateFeedToken(promeneur(memberId));
      const feed = await service.memberFeed(token);
      const parsed = parseFeed(feed!.body);
      expect(parsed.name).toBe('Promeneurs du Net – mes inscriptions');
      const byUid = Object.fromEntries(parsed.events.map((e) => [e.uid, e]));
      expect(Object.keys(byUid).sort()).toEqual([confirmed, left, eventCancelled].map((e) => `${e.id}@pdn-network`).sort());
      expect(byUid[`${confirmed.id}@pdn-network`]).toMatchObject({ status: 'CONFIRMED', sequence: 1, summary: 'Formation initiale', categories: ['INITIAL_TRAINING'] });
      expect(byUid[`${left.id}@pdn-network`]).toMatchObject({ status: 'CANCELLED', summary: 'Inscription annulée : Webinaire' });
      expect(byUid[`${eventCancelled.id}@pdn-network`]).toMatchObject({ status: 'CANCELLED', sequence: 3, summary: 'Annulé : Regroupement' });
    });

    it('should give the same UID to an event in the public and the private feed', async () => {
      const memberId = newMemberId();
      const event = await insertEvent(testDb.database);
      await insertRegistration(testDb.database, event, memberId, 'CONFIRMED');
      const { token } = await service.rotateFeedToken(promeneur(memberId));
      expect(parseFeed((await service.memberFeed(token))!.body).events[0]!.uid).toBe((await publicFeed())[0]!.uid);
    });
  });

  describe('feed token', () => {
    it('should return a 32-byte base64url token in a URL under PUBLIC_BASE_URL, and store only its SHA-256', async () => {
      const memberId = newMemberId();
      const feed = await service.rotateFeedToken(promeneur(memberId));
      expect(feed.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(feed.token, 'base64url')).toHaveLength(32);
      expect(feed.url).toBe(`https://api.pdn.test/reseau/ics/members/${feed.token}.ics`);
      expect(feed.createdAt).toEqual(NOW);
      const rows = await testDb.database.db.select().from(calendarFeedTokens);
      expect(rows).toEqual([{ memberId, tokenHash: secretTokenHash(feed.token), createdAt: NOW }]);
      expect(JSON.stringify(rows)).not.toContain(feed.token);
    });

    it('should replace the token on rotation: the old URL stops working, the new one works, one row per member', async () => {
      const memberId = newMemberId();
      const first = await service.rotateFeedToken(promeneur(memberId));
      const second = await service.rotateFeedToken(promeneur(memberId));
      expect(second.token).not.toBe(first.token);
      expect(await service.memberFeed(first.token)).toBeNull();
      expect(await service.memberFeed(second.token)).not.toBeNull();
      expect(await testDb.database.db.select().from(calendarFeedTokens)).toHaveLength(1);
    });

    it("should not let one member's rotation touch another member's feed", async () => {
      const mine = await service.rotateFeedToken(promeneur(newMemberId()));
      await service.rotateFeedToken(promeneur(newMemberId()));
      expect(await service.memberFeed(mine.token)).not.toBeNull();
    });

    it('should say whether a feed exists, and turn it off on revocation', async () => {
      const caller = promeneur(newMemberId());
      expect(await service.hasFeed(caller)).toBe(false);
      const { token } = await service.rotateFeedToken(caller);
      expect(await service.hasFeed(caller)).toBe(true);
      expect(await service.revokeFeed(caller)).toBe(true);
      expect(await service.hasFeed(caller)).toBe(false);
      expect(await service.memberFeed(token)).toBeNull();
      expect(await service.revokeFeed(caller)).toBe(false);
    });

    it('should refuse anonymous callers and partners', async () => {
      const partner: Caller = { kind: 'partner', apiKeyId: 'k1', scopes: ['CALENDAR_READ'], departments: ['32'] };
      expect(await failure(service.rotateFeedToken({ kind: 'anonymous' }))).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await failure(service.rotateFeedToken(partner))).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await failure(service.hasFeed(partner))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });
});
