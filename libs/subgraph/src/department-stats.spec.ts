import { describe, expect, it } from '@jest/globals';
import type { Caller, MemberCaller } from '@pdn/identity';
import { refusal } from '@pdn/errors/testing';
import { batchByDepartmentYear, departmentStatsKey, departmentStatsYear, departmentYearId, parisYear, type DepartmentYear } from './department-stats.js';

const member = (role: MemberCaller['role'], ...departments: string[]): MemberCaller => ({ kind: 'member', memberId: 'm', role, status: 'ACTIVE', departments });
const now = new Date('2026-06-15T10:00:00Z');

describe('the yearly bilan key', () => {
  it('should let the coordinators of the département and admins read it, the code normalised', () => {
    expect(departmentStatsKey(member('COORDINATOR', '31', '32'), '32', 2025, now)).toEqual({ department: '32', year: 2025 });
    expect(departmentStatsKey(member('ADMIN'), ' 2a ', 2027, now)).toEqual({ department: '2A', year: 2027 });
  });

  it('should ask anonymous callers to sign in and refuse partners, promeneurs and other coordinators', async () => {
    const partner: Caller = { kind: 'partner', apiKeyId: 'k', scopes: ['DIRECTORY_READ', 'CALENDAR_READ', 'FEED_READ', 'ALERTS_READ'], departments: ['32'] };
    await refusal(() => departmentStatsKey({ kind: 'anonymous' }, '32', 2025, now), 'UNAUTHENTICATED');
    await refusal(() => departmentStatsKey(partner, '32', 2025, now), 'FORBIDDEN');
    await refusal(() => departmentStatsKey(member('PROMENEUR', '32'), '32', 2025, now), 'FORBIDDEN');
    await refusal(() => departmentStatsKey(member('COORDINATOR', '31'), '32', 2025, now), 'FORBIDDEN');
  });

  it('should name the argument of a bad département or year: from 2000 to next year in Paris', async () => {
    const gers = member('COORDINATOR', '32');
    await refusal(() => departmentStatsKey(gers, '20', 2025, now), 'BAD_USER_INPUT', 'department');
    await refusal(() => departmentStatsKey(gers, '32', 1999, now), 'BAD_USER_INPUT', 'year');
    await refusal(() => departmentStatsKey(gers, '32', 2025.5, now), 'BAD_USER_INPUT', 'year');
    await refusal(() => departmentStatsKey(gers, '32', '2025', now), 'BAD_USER_INPUT', 'year');
    await refusal(() => departmentStatsKey(gers, '32', 2028, now), 'BAD_USER_INPUT', 'year');
    // 23:30 UTC on 31 December 2026 is already 2027 in Paris: 2028 becomes "next year".
    expect(departmentStatsKey(gers, '32', 2028, new Date('2026-12-31T23:30:00Z'))).toEqual({ department: '32', year: 2028 });
  });

  it('should name a year of a list by its index', async () => {
    await refusal(() => departmentStatsYear(1990, now, 'years.2'), 'BAD_USER_INPUT', 'years.2');
    expect(departmentStatsYear(2026, now, 'years.0')).toBe(2026);
  });
});

describe('parisYear', () => {
  it('should start and end the year at midnight in Paris (UTC+1 in winter)', () => {
    expect(parisYear(2025)).toEqual({
      from: new Date('2024-12-31T23:00:00Z'),
      to: new Date('2025-12-31T23:00:00Z'),
      firstDay: '2025-01-01',
      lastDay: '2025-12-31',
    });
  });
});

describe('batchByDepartmentYear', () => {
  it('should fetch every key asked for in the same tick at once, each key once, and fill the gaps', async () => {
    const calls: DepartmentYear[][] = [];
    const load = batchByDepartmentYear<number>(
      async (keys) => {
        calls.push(keys);
        return new Map(keys.filter((k) => k.department === '32').map((k) => [departmentYearId(k), k.year]));
      },
      () => 0,
    );
    const answers = await Promise.all([load({ department: '32', year: 2024 }), load({ department: '32', year: 2025 }), load({ department: '31', year: 2025 }), load({ department: '32', year: 2024 })]);
    expect(answers).toEqual([2024, 2025, 0, 2024]);
    expect(calls).toEqual([[{ department: '32', year: 2024 }, { department: '32', year: 2025 }, { department: '31', year: 2025 }]]);
  });
});
