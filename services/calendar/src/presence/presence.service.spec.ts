import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { SocialNetwork, Theme } from '@pdn/domain';
import { DomainError } from '@pdn/errors';
import type { Caller, MemberCaller } from '@pdn/identity';
import { CALENDAR_MIGRATIONS } from '../calendar-app.js';
import { calendarSchema, type CalendarSchema } from '../db/calendar.tables.js';
import type { PresenceLogInput } from './presence.input.js';
import { PresenceRepository } from './presence.repository.js';
import { PresenceService } from './presence.service.js';
import { RequestCategory } from './request-category.js';

const member = (overrides: Partial<MemberCaller> = {}): MemberCaller => ({
  kind: 'member',
  memberId: randomUUID(),
  role: 'PROMENEUR',
  status: 'ACTIVE',
  departments: ['32'],
  ...overrides,
});
const log = (overrides: Partial<PresenceLogInput> = {}): PresenceLogInput => ({
  date: '2026-11-20',
  minutes: 90,
  network: SocialNetwork.INSTAGRAM,
  contacts: 4,
  requests: [],
  themes: [],
  ...overrides,
});

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error('it succeeded');
}

// Medium tier: presence logs, reports and summaries against a real database.
describe('presence', () => {
  let testDb: TestDatabase<CalendarSchema>;
  let service: PresenceService;
  // Thursday 26 November 2026, 11:00 in Paris.
  let now = new Date('2026-11-26T10:00:00Z');
  const otherCoordinator = member({ role: 'COORDINATOR', departments: ['31'] });
  const admin = member({ role: 'ADMIN', departments: [] });
  const partner: Caller = { kind: 'partner', apiKeyId: randomUUID(), scopes: ['CALENDAR_READ'], departments: ['32'] };

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    service = new PresenceService(new PresenceRepository(testDb.database), { now: () => now });
  });

  afterAll(() => testDb.dispose());

  describe('logging presence', () => {
    it('should store the counts with the home département, each theme once', async () => {
      const isabelle = member({ departments: ['32', '31'] });
      const row = await service.log(
        isabelle,
        log({
          contacts: 7,
          requests: [
            { category: RequestCategory.DAILY_LIFE_PREVENTION, count: 3 },
            { category: RequestCategory.PERSONAL, count: 0 },
          ],
          themes: [Theme.HEALTH, Theme.HEALTH, Theme.HOUSING],
        }),
      );
      expect(row).toMatchObject({
        memberId: isabelle.memberId,
        department: '32',
        date: '2026-11-20',
        minutes: 90,
        network: 'INSTAGRAM',
        contacts: 7,
        requests: [
          { category: 'DAILY_LIFE_PREVENTION', count: 3 },
          { category: 'PERSONAL', count: 0 },
        ],
        themes: ['HEALTH', 'HOUSING'],
      });
    });

    it("should take today from the Paris calendar, not UTC's", async () => {
      const night = member();
      now = new Date('2026-11-26T23:30:00Z'); // Friday 27 November, 00:30 in Paris
      expect((await service.log(night, log({ date: '2026-11-27' }))).date).toBe('2026-11-27');
      expect(await failure(service.log(night, log({ date: '2026-11-28' })))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.date' });
      now = new Date('2026-11-26T22:30:00Z'); // Thursday 26 November, 23:30 in Paris
      expect(await failure(service.log(night, log({ date: '2026-11-27' })))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.date' });
      now = new Date('2026-11-26T10:00:00Z');
    });

    it('should accept a day up to a year back and refuse older ones', async () => {
      expect((await service.log(member(), log({ date: '2025-11-26' }))).date).toBe('2025-11-26');
      expect(await failure(service.log(member(), log({ date: '2025-11-25' })))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.date' });
    });

    it('should accept 1 to 1440 minutes and refuse anything else', async () => {
      expect((await service.log(member(), log({ minutes: 1 }))).minutes).toBe(1);
      expect((await service.log(member(), log({ minutes: 1440 }))).minutes).toBe(1440);
      for (const minutes of [0, -5, 1441]) {
        expect(await failure(service.log(member(), log({ minutes })))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.minutes' });
      }
    });

    it('should refuse negative counts, naming the count', async () => {
      expect(await failure(service.log(member(), log({ contacts: -1 })))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.contacts' });
      const requests = [
        { category: RequestCategory.STRUCTURE_INFO, count: 2 },
        { category: RequestCategory.PROJECT_SUPPORT, count: -1 },
      ];
      expect(await failure(service.log(member(), log({ requests })))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.requests.1.count' });
    });

    it('should refuse a category counted twice', async () => {
      const requests = [
        { category: RequestCategory.STRUCTURE_INFO, count: 2 },
        { category: RequestCategory.PERSONAL, count: 1 },
        { category: RequestCategory.STRUCTURE_INFO, count: 1 },
      ];
      expect(await failure(service.log(member(), log({ requests })))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.requests.2.category' });
    });

    it('should let candidates and active members log, not suspended or departed ones, nor anyone unsigned', async () => {
      expect((await service.log(member({ status: 'CANDIDATE' }), log())).minutes).toBe(90);
      expect(await failure(service.log(member({ status: 'SUSPENDED' }), log()))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await failure(service.log(member({ status: 'LEFT' }), log()))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await failure(service.log({ kind: 'anonymous' }, log()))).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await failure(service.log(partner, log()))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });

  describe('reports and summaries', () => {
    const anna = member({ departments: ['46'] });
    const bruno = member({ departments: ['46'] });
    const mover = member({ departments: ['82'] });
    const lotCoordinator = member({ role: 'COORDINATOR', departments: ['46'] });
    const { DAILY_LIFE_PREVENTION: daily, STRUCTURE_INFO: info, PERSONAL: personal } = RequestCategory;

    beforeAll(async () => {
      await service.log(anna, log({ date: '2026-11-02', minutes: 120, contacts: 5, requests: [{ category: daily, count: 3 }, { category: info, count: 1 }] }));
      await service.log(anna, log({ date: '2026-11-09', minutes: 60, contacts: 2, requests: [{ category: daily, count: 2 }] }));
      await service.log(bruno, log({ date: '2026-11-15', minutes: 240, contacts: 1, requests: [{ category: personal, count: 1 }] }));
      // Outside the period, or filed in another département: not in the report of 46 for November 2–15.
      await service.log(anna, log({ date: '2026-11-01', minutes: 30 }));
      await service.log(bruno, log({ date: '2026-11-16', minutes: 30 }));
      await service.log(mover, log({ date: '2026-11-10', minutes: 45, contacts: 9 }));
    });

    it('should sum each member, the totals and every request category over the period, both days included', async () => {
      const report = await service.report(lotCoordinator, '2026-11-02', '2026-11-15', '46', null);
      expect(report).toEqual({
        from: '2026-11-02',
        to: '2026-11-15',
        department: '46',
        rows: [
          { memberId: bruno.memberId, minutesLogged: 240, contacts: 1 },
          { memberId: anna.memberId, minutesLogged: 180, contacts: 7 },
        ],
        totalMinutes: 420,
        totalContacts: 8,
        requests: [
          { category: 'DAILY_LIFE_PREVENTION', count: 5 },
          { category: 'STRUCTURE_INFO', count: 1 },
          { category: 'PROJECT_SUPPORT', count: 0 },
          { category: 'DIGITAL_PRACTICES', count: 0 },
          { category: 'PERSONAL', count: 1 },
        ],
      });
    });

    it("should default to the coordinator's own département", async () => {
      const report = await service.report(lotCoordinator, '2026-11-02', '2026-11-15', null, null);
      expect(report.department).toBe('46');
      expect(report.totalMinutes).toBe(420);
    });

    it('should show a report to the coordinators of the département and admins only', async () => {
      expect(await failure(service.report(otherCoordinator, '2026-11-02', '2026-11-15', '46', null))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await failure(service.report(anna, '2026-11-02', '2026-11-15', '46', null))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await failure(service.report({ kind: 'anonymous' }, '2026-11-02', '2026-11-15', '46', null))).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect((await service.report(admin, '2026-11-02', '2026-11-15', '46', null)).totalMinutes).toBe(420);
      expect(await failure(service.report(admin, '2026-11-02', '2026-11-15', null, null))).toEqual({ code: 'BAD_USER_INPUT', field: 'department' });
    });

    it('should narrow a report to the structure each log was filed under', async () => {
      const mjc = randomUUID();
      const worker = member({ departments: ['46'], structureId: mjc });
      await service.log(worker, log({ date: '2026-11-10', minutes: 45, contacts: 2 }));
      const report = await service.report(lotCoordinator, '2026-11-02', '2026-11-15', '46', mjc);
      expect(report.rows).toEqual([expect.objectContaining({ minutesLogged: 45, contacts: 2 })]);
      expect(report.totalMinutes).toBe(45);
      expect((await service.report(lotCoordinator, '2026-11-02', '2026-11-15', '46', randomUUID())).rows).toEqual([]);
      expect(await failure(service.report(lotCoordinator, '2026-11-02', '2026-11-15', '46', 'not-an-id'))).toEqual({ code: 'BAD_USER_INPUT', field: 'structureId' });
    });

    it('should refuse a reversed period and one longer than a year', async () => {
      expect(await failure(service.report(lotCoordinator, '2026-11-15', '2026-11-02', '46', null))).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
      expect((await service.report(lotCoordinator, '2025-11-26', '2026-11-26', '46', null)).from).toBe('2025-11-26');
      expect(await failure(service.report(lotCoordinator, '2025-11-25', '2026-11-26', '46', null))).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
      expect(await failure(service.report(lotCoordinator, '2026-11-02', '2026-11-15', '99', null))).toEqual({ code: 'BAD_USER_INPUT', field: 'department' });
    });

    const annaInLot = () => ({ id: anna.memberId, weeklyHoursCommitment: 3, department: '46' });

    it('should compare minutes logged with the weekly commitment over days / 7 weeks', async () => {
      expect(await service.summary(annaInLot(), '2026-11-02', '2026-11-15')).toEqual({
        minutesLogged: 180,
        minutesCommitted: 360,
        complianceRatio: 0.5,
        contacts: 7,
      });
      // One day of a 2 h 30 commitment: 150 / 7 minutes, rounded.
      expect(await service.summary({ ...annaInLot(), weeklyHoursCommitment: 2.5 }, '2026-11-02', '2026-11-02')).toMatchObject({
        minutesLogged: 120,
        minutesCommitted: 21,
        complianceRatio: 120 / 21,
      });
      expect(await service.summary(annaInLot(), '2026-10-01', '2026-10-07')).toEqual({ minutesLogged: 0, minutesCommitted: 180, complianceRatio: 0, contacts: 0 });
    });

    it("should count a member's logs whatever the département they were filed in", async () => {
      const moved = { id: mover.memberId, weeklyHoursCommitment: 2, department: '46' };
      expect((await service.summary(moved, '2026-11-01', '2026-11-30')).minutesLogged).toBe(45);
    });

    it('should refuse a reversed period for a summary', async () => {
      expect(await failure(service.summary(annaInLot(), '2026-11-15', '2026-11-02'))).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
    });
  });
});
