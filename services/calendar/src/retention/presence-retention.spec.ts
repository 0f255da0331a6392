import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { asc, sql } from 'drizzle-orm';
import { createTestDatabase, openDatabase, type Database, type TestDatabase } from '@pdn/database';
import { CALENDAR_MIGRATIONS } from '../calendar-app.js';
import { loadCalendarSettings } from '../calendar.config.js';
import { anonymousPresence, calendarSchema, presenceLogs, type CalendarSchema } from '../db/calendar.tables.js';
import { PresenceRetentionJob } from './presence-retention.job.js';
import { PresenceRetentionRepository } from './presence-retention.repository.js';
import { PresenceRetentionService, retentionCutoff } from './presence-retention.service.js';

// Medium tier: the retention against a real database (PostgreSQL when TEST_DATABASE_URL is set, where
// two connection pools stand for two replicas running the job at the same moment).
describe('presence-log retention', () => {
  // Thursday 26 November 2026, 11:00 in Paris.
  const now = new Date('2026-11-26T10:00:00Z');
  let testDb: TestDatabase<CalendarSchema>;
  let otherReplicaDb: Database<CalendarSchema>;

  const service = (database: Database<CalendarSchema>, env: Record<string, string> = {}) =>
    new PresenceRetentionService(new PresenceRetentionRepository(database), loadCalendarSettings(env));

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    otherReplicaDb = testDb.url
      ? await openDatabase({ service: 'calendar', url: testDb.url, migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema, poolSize: 2 })
      : testDb.database;
  });

  afterAll(async () => {
    if (otherReplicaDb !== testDb?.database) await otherReplicaDb?.close();
    await testDb?.dispose();
  });

  beforeEach(async () => {
    await testDb.database.db.delete(presenceLogs);
    await testDb.database.db.delete(anonymousPresence);
  });

  async function logOn(...dates: string[]) {
    await testDb.database.db
      .insert(presenceLogs)
      .values(dates.map((date) => ({ memberId: '00000000-0000-4000-8000-000000000001', department: '32', date, minutes: 60, network: 'INSTAGRAM' })));
  }

  const anonymousTotals = () =>
    testDb.database.db.select().from(anonymousPresence).orderBy(asc(anonymousPresence.department), asc(anonymousPresence.month));

  const remainingDates = async () =>
    (await testDb.database.db.select({ date: presenceLogs.date }).from(presenceLogs).orderBy(asc(presenceLogs.date))).map((r) => r.date);

  it('should keep three years (1095 days) by default, counted in Paris calendar days', () => {
    expect(retentionCutoff(now, loadCalendarSettings({}).PRESENCE_RETENTION_DAYS)).toBe('2023-11-27');
    // 00:30 in Paris on the 26th is still the 25th in UTC: the Paris day counts.
    expect(retentionCutoff(new Date('2026-11-25T23:30:00Z'), 1095)).toBe('2023-11-27');
  });

  it('should purge the logs older than the period and keep the others', async () => {
    await logOn('2020-05-04', '2023-11-25', '2023-11-26', '2023-11-27', '2024-06-01', '2026-11-26');
    expect(await service(testDb.database).purge(now)).toEqual({ cutoff: '2023-11-27', deleted: 3 });
    expect(await remainingDates()).toEqual(['2023-11-27', '2024-06-01', '2026-11-26']);
  });

  it("should keep the purged logs' figures in the anonymous monthly totals, added to those already there", async () => {
    const member = '00000000-0000-4000-8000-000000000002';
    await testDb.database.db.insert(presenceLogs).values([
      { memberId: member, department: '32', date: '2022-03-04', minutes: 60, network: 'INSTAGRAM', contacts: 2, requests: [{ category: 'DAILY_LIFE_PREVENTION', count: 2 }] },
      { memberId: member, department: '32', date: '2022-03-28', minutes: 30, network: 'SNAPCHAT', contacts: 1, requests: [{ category: 'PROJECT_SUPPORT', count: 1 }, { category: 'DAILY_LIFE_PREVENTION', count: 1 }] },
      { memberId: member, department: '31', date: '2022-03-10', minutes: 45, network: 'DISCORD', contacts: 0 },
      { memberId: member, department: '32', date: '2026-03-04', minutes: 15, network: 'INSTAGRAM', contacts: 9 },
    ]);
    // What an erased member left in March 2022.
    await testDb.database.db
      .insert(anonymousPresence)
      .values({ department: '32', month: '2022-03-01', entries: 1, minutes: 100, contacts: 5, requests: [{ category: 'DAILY_LIFE_PREVENTION', count: 4 }] });
    expect((await service(testDb.database).purge(now)).deleted).toBe(3);
    expect(await anonymousTotals()).toEqual([
      { department: '31', month: '2022-03-01', entries: 1, minutes: 45, contacts: 0, requests: [] },
      {
        department: '32',
        month: '2022-03-01',
        entries: 3,
        minutes: 190,
        contacts: 8,
        requests: [
          { category: 'DAILY_LIFE_PREVENTION', count: 7 },
          { category: 'PROJECT_SUPPORT', count: 1 },
        ],
      },
    ]);
    expect(await remainingDates()).toEqual(['2026-03-04']);
  });

  it('should follow PRESENCE_RETENTION_DAYS', async () => {
    await logOn('2026-10-26', '2026-10-27', '2026-11-20');
    expect(await service(testDb.database, { PRESENCE_RETENTION_DAYS: '30' }).purge(now)).toEqual({ cutoff: '2026-10-27', deleted: 1 });
    expect(await remainingDates()).toEqual(['2026-10-27', '2026-11-20']);
  });

  it('should purge each old log once when two replicas run it at the same moment, without error', async () => {
    // More than one batch of old logs, so the two runs overlap on several statements.
    await testDb.database.db.execute(sql`
      insert into presence_logs (member_id, department, date, minutes, network)
      select gen_random_uuid(), '32', date '2021-01-01' + (i % 700), 30, 'INSTAGRAM' from generate_series(1, 12000) as i`);
    await logOn('2026-11-01');
    const [first, second] = await Promise.all([service(testDb.database).purge(now), service(otherReplicaDb).purge(now)]);
    expect(first.deleted + second.deleted).toBe(12000);
    expect(await remainingDates()).toEqual(['2026-11-01']);
    // Folded once each: the totals count every purged log exactly once.
    const totals = await anonymousTotals();
    expect(totals.reduce((sum, t) => sum + t.entries, 0)).toBe(12000);
    expect(totals.reduce((sum, t) => sum + t.minutes, 0)).toBe(12000 * 30);
    // Run again: nothing left to delete.
    expect((await service(testDb.database).purge(now)).deleted).toBe(0);
  });

  it('should run from the job with the injected clock, and log a failure instead of throwing', async () => {
    await logOn('2019-01-01', '2026-11-01');
    const job = new PresenceRetentionJob(service(testDb.database), { now: () => now });
    await job.tick();
    expect(await remainingDates()).toEqual(['2026-11-01']);
    const failing = new PresenceRetentionJob({ purge: () => Promise.reject(new Error('database down')) } as unknown as PresenceRetentionService, { now: () => now });
    await expect(failing.tick()).resolves.toBeUndefined();
  });
});
