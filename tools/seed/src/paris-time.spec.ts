import { describe, expect, it } from '@jest/globals';
import { addDays, daysBetween, formatParisDateTime, isoWeekday, mondayOf, parisDateTime, parisOffsetMinutes, parisToday } from './paris-time.js';

/** The offset Intl itself prints for Paris at that instant ("GMT+02:00" → "+02:00"): an independent check. */
function intlOffset(instant: Date): string {
  const name = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')!.value;
  return name.replace('GMT', '') || '+00:00';
}

describe('Paris wall-clock times for the demo calendar', () => {
  it('should give winter dates +01:00 and summer dates +02:00', () => {
    expect(parisDateTime('2026-01-15', '09:30')).toBe('2026-01-15T09:30:00+01:00');
    expect(parisDateTime('2026-07-15', '09:30')).toBe('2026-07-15T09:30:00+02:00');
  });

  it('should change offset exactly at the spring change (last Sunday of March, 02:00 → 03:00)', () => {
    expect(parisDateTime('2026-03-28', '10:00')).toBe('2026-03-28T10:00:00+01:00');
    expect(parisDateTime('2026-03-29', '01:30')).toBe('2026-03-29T01:30:00+01:00');
    expect(parisDateTime('2026-03-29', '03:30')).toBe('2026-03-29T03:30:00+02:00');
    expect(parisDateTime('2026-03-29', '10:00')).toBe('2026-03-29T10:00:00+02:00');
    expect(new Date(parisDateTime('2026-03-29', '03:30')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('should change offset exactly at the autumn change (last Sunday of October, 03:00 → 02:00)', () => {
    expect(parisDateTime('2026-10-24', '18:00')).toBe('2026-10-24T18:00:00+02:00');
    expect(parisDateTime('2026-10-25', '01:00')).toBe('2026-10-25T01:00:00+02:00');
    expect(parisDateTime('2026-10-25', '18:00')).toBe('2026-10-25T18:00:00+01:00');
    expect(parisDateTime('2027-03-27', '18:00')).toBe('2027-03-27T18:00:00+01:00');
    expect(parisDateTime('2027-03-28', '18:00')).toBe('2027-03-28T18:00:00+02:00');
  });

  it('should agree with Intl on every day of two years, and read back as the same wall-clock time', () => {
    for (let day = 0; day < 730; day++) {
      const date = addDays('2026-01-01', day);
      for (const time of ['09:30', '18:00', '23:59']) {
        const text = parisDateTime(date, time);
        const instant = new Date(text);
        expect(text.slice(19)).toBe(intlOffset(instant));
        expect(formatParisDateTime(instant)).toBe(text);
        expect(parisOffsetMinutes(instant)).toBe(text.endsWith('+02:00') ? 120 : 60);
      }
    }
  });

  it("should take today's date on the Paris calendar, not the UTC one", () => {
    expect(parisToday(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
    expect(parisToday(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(parisToday(new Date('2026-12-31T22:59:00Z'))).toBe('2026-12-31');
  });

  it('should count days across months, years and leap days', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(daysBetween('2026-11-26', '2027-11-26')).toBe(365);
    expect(daysBetween('2027-01-02', '2026-12-30')).toBe(-3);
    expect(isoWeekday('2026-11-26')).toBe(4);
    expect(isoWeekday('2026-11-29')).toBe(7);
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
  });

  it('should refuse what is not a date or a time', () => {
    expect(() => parisDateTime('2026-02-30', '10:00')).toThrow(/not a calendar date/);
    expect(() => parisDateTime('26-02-01', '10:00')).toThrow(/not a date/);
    expect(() => parisDateTime('2026-02-01', '24:00')).toThrow(/not a time/);
  });
});
