import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { SocialNetwork } from '@pdn/domain';
import { DomainError } from '@pdn/errors';
import type { Caller, MemberCaller } from '@pdn/identity';
import { CALENDAR_MIGRATIONS } from '../calendar-app.js';
import { calendarSchema, type CalendarSchema } from '../db/calendar.tables.js';
import type { PermanenceInput } from './permanence.input.js';
import { PermanencesRepository } from './permanences.repository.js';
import { PermanencesService } from './permanences.service.js';

const member = (overrides: Partial<MemberCaller> = {}): MemberCaller => ({
  kind: 'member',
  memberId: randomUUID(),
  role: 'PROMENEUR',
  status: 'ACTIVE',
  departments: ['32'],
  ...overrides,
});
const ANYONE: Caller = { kind: 'anonymous' };
const slot = (weekday: number, startTime: string, endTime: string, network = SocialNetwork.INSTAGRAM): PermanenceInput => ({ weekday, startTime, endTime, network });

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error('it succeeded');
}

// Medium tier: permanences against a real database, with the clock moved across DST changes and midnights.
describe('permanences', () => {
  let testDb: TestDatabase<CalendarSchema>;
  let service: PermanencesService;
  let now = new Date('2026-11-26T10:00:00Z');

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    service = new PermanencesService(new PermanencesRepository(testDb.database), { now: () => now });
  });

  afterAll(() => testDb.dispose());

  describe('setting my permanences', () => {
    it('should replace the whole schedule, ordered by day and time, with the home département', async () => {
      const isabelle = member({ departments: ['32', '31'] });
      await service.setMine(isabelle, [slot(2, '18:00', '20:00'), slot(4, '17:00', '19:00')]);
      const set = await service.setMine(isabelle, [slot(5, '20:00', '22:00', SocialNetwork.DISCORD), slot(1, '18:00', '19:30')]);
      expect(set.map((p) => [p.weekday, p.startTime, p.endTime, p.network, p.department])).toEqual([
        [1, '18:00', '19:30', 'INSTAGRAM', '32'],
        [5, '20:00', '22:00', 'DISCORD', '32'],
      ]);
      expect((await service.ofMember(isabelle.memberId)).map((p) => p.id)).toEqual(set.map((p) => p.id));
    });

    it('should keep the previous schedule when the new one is refused', async () => {
      const paul = member();
      await service.setMine(paul, [slot(3, '14:00', '16:00')]);
      expect(await failure(service.setMine(paul, [slot(1, '10:00', '11:00'), slot(1, '10:30', '12:00', SocialNetwork.TIKTOK)]))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'slots.1.startTime',
      });
      expect((await service.ofMember(paul.memberId)).map((p) => p.startTime)).toEqual(['14:00']);
    });

    it('should clear the schedule with an empty list', async () => {
      const nadia = member();
      await service.setMine(nadia, [slot(3, '14:00', '16:00')]);
      expect(await service.setMine(nadia, [])).toEqual([]);
      expect(await service.ofMember(nadia.memberId)).toEqual([]);
    });

    it('should let only active members publish slots, and anyone signed in clear theirs', async () => {
      for (const status of ['CANDIDATE', 'SUSPENDED', 'LEFT'] as const) {
        const caller = member({ status });
        expect(await failure(service.setMine(caller, [slot(1, '10:00', '11:00')]))).toEqual({ code: 'FORBIDDEN', field: undefined });
        expect(await service.setMine(caller, [])).toEqual([]);
      }
      expect(await failure(service.setMine({ kind: 'anonymous' }, []))).toMatchObject({ code: 'UNAUTHENTICATED' });
      const partner: Caller = { kind: 'partner', apiKeyId: randomUUID(), scopes: ['CALENDAR_READ'], departments: ['32'] };
      expect(await failure(service.setMine(partner, []))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('should end with exactly one of many concurrent schedules, never a mix', async () => {
      const hurried = member();
      const schedules = Array.from({ length: 10 }, (_, i) => [slot(1, `${10 + i}:00`, `${10 + i}:30`), slot(2, `${10 + i}:00`, `${10 + i}:30`)]);
      await Promise.all(schedules.map((slots) => service.setMine(hurried, slots)));
      const stored = await service.ofMember(hurried.memberId);
      expect(stored).toHaveLength(2);
      expect(stored[0]!.startTime).toBe(stored[1]!.startTime);
    });
  });

  describe('who is online now', () => {
    // One promeneur per rule, each with a slot nobody else has, so the answers below are exact.
    const sundayMorning = member();
    const sundayNight = member();
    const missingHour = member();
    const repeatedHour = member();
    const lateMonday = member();
    const haute = member({ departments: ['31'] });

    beforeAll(async () => {
      await service.setMine(sundayMorning, [slot(7, '10:00', '11:00')]);
      await service.setMine(sundayNight, [slot(7, '01:00', '04:00')]);
      await service.setMine(missingHour, [slot(7, '02:00', '03:00', SocialNetwork.SNAPCHAT)]);
      await service.setMine(repeatedHour, [slot(7, '02:00', '03:00', SocialNetwork.DISCORD)]);
      await service.setMine(lateMonday, [slot(1, '22:00', '24:00'), slot(2, '00:00', '01:00')]);
      await service.setMine(haute, [slot(7, '10:00', '11:00')]);
    });

    async function onlineAt(instant: string, department: string | null = '32') {
      now = new Date(instant);
      return (await service.onlineNow(ANYONE, department)).map((p) => `${p.memberId === sundayMorning.memberId ? 'morning' : p.memberId === sundayNight.memberId ? 'night' : p.memberId === lateMonday.memberId ? 'late' : p.memberId === haute.memberId ? 'haute' : p.memberId === missingHour.memberId || p.memberId === repeatedHour.memberId ? 'two' : '?'} ${p.startTime}`);
    }

    it('should follow Paris time on both sides of the change to summer time (29 March 2026)', async () => {
      expect(await onlineAt('2026-03-22T09:30:00Z')).toEqual(['morning 10:00']); // 10:30 CET
      expect(await onlineAt('2026-03-29T08:30:00Z')).toEqual(['morning 10:00']); // 10:30 CEST
      expect(await onlineAt('2026-03-29T09:30:00Z')).toEqual([]); // 11:30 CEST, 10:30 at a fixed UTC+1
    });

    it('should follow Paris time on both sides of the change to winter time (25 October 2026)', async () => {
      expect(await onlineAt('2026-10-18T08:30:00Z')).toEqual(['morning 10:00']); // 10:30 CEST
      expect(await onlineAt('2026-10-25T09:30:00Z')).toEqual(['morning 10:00']); // 10:30 CET
      expect(await onlineAt('2026-10-25T08:30:00Z')).toEqual([]); // 09:30 CET, 10:30 at a fixed UTC+2
    });

    it('should skip the hour that does not exist in March and cover the hour that happens twice in October', async () => {
      expect(await onlineAt('2026-03-29T00:30:00Z')).toEqual(['night 01:00']); // 01:30 CET
      expect(await onlineAt('2026-03-29T01:30:00Z')).toEqual(['night 01:00']); // 03:30 CEST: 02:00–03:00 never happened
      expect(await onlineAt('2026-10-25T00:30:00Z')).toEqual(['night 01:00', 'two 02:00', 'two 02:00']); // 02:30 CEST
      expect(await onlineAt('2026-10-25T01:30:00Z')).toEqual(['night 01:00', 'two 02:00', 'two 02:00']); // 02:30 CET, again
      expect(await onlineAt('2026-10-25T02:30:00Z')).toEqual(['night 01:00']); // 03:30 CET
    });

    it('should hand over at midnight in Paris: a slot ending at 24:00, then the next day from 00:00', async () => {
      expect(await onlineAt('2026-11-23T22:59:00Z')).toEqual(['late 22:00']); // Monday 23:59 CET
      expect(await onlineAt('2026-11-23T23:00:00Z')).toEqual(['late 00:00']); // Tuesday 00:00 CET
      expect(await onlineAt('2026-11-24T00:00:00Z')).toEqual([]); // Tuesday 01:00 CET: the end is not covered
      expect(await onlineAt('2026-06-29T21:30:00Z')).toEqual(['late 22:00']); // Monday 23:30 CEST
      expect(await onlineAt('2026-06-29T22:30:00Z')).toEqual(['late 00:00']); // Tuesday 00:30 CEST, Monday in UTC
    });

    it('should keep to the département asked for, and cover all of them without one', async () => {
      expect(await onlineAt('2026-03-29T08:30:00Z', '31')).toEqual(['haute 10:00']);
      expect(await onlineAt('2026-03-29T08:30:00Z', null)).toEqual(expect.arrayContaining(['morning 10:00', 'haute 10:00']));
      expect(await failure(service.onlineNow(ANYONE, '99'))).toEqual({ code: 'BAD_USER_INPUT', field: 'department' });
    });

    it("should say whether a member is online by the same clock", async () => {
      now = new Date('2026-03-29T08:30:00Z');
      expect(await service.isOnline(sundayMorning.memberId)).toBe(true);
      now = new Date('2026-03-29T09:30:00Z');
      expect(await service.isOnline(sundayMorning.memberId)).toBe(false);
      now = new Date('2026-11-23T23:00:00Z');
      expect(await service.isOnline(lateMonday.memberId)).toBe(true);
      expect(await service.isOnline(randomUUID())).toBe(false);
    });
  });
});
