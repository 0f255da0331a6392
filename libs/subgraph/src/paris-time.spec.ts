import { describe, expect, it } from '@jest/globals';
import { addParisDays, formatParisDateTime, fromParisWallClock, parisWallClock } from './paris-time.js';

const at = (iso: string) => new Date(iso);

describe('Paris wall-clock arithmetic', () => {
  it('should keep 10:00 local when moving a day across the change to summer time', () => {
    const saturday = at('2026-03-28T10:00:00+01:00');
    expect(formatParisDateTime(addParisDays(saturday, 1))).toBe('2026-03-29T10:00:00+02:00');
    expect(formatParisDateTime(addParisDays(saturday, 7))).toBe('2026-04-04T10:00:00+02:00');
  });

  it('should keep 10:00 local when moving back across the change to winter time', () => {
    expect(formatParisDateTime(addParisDays(at('2026-10-24T10:00:00+02:00'), 1))).toBe('2026-10-25T10:00:00+01:00');
    expect(formatParisDateTime(addParisDays(at('2026-11-01T10:00:00+01:00'), -8))).toBe('2026-10-24T10:00:00+02:00');
  });

  it('should read the wall clock of an instant in Paris', () => {
    expect(parisWallClock(at('2026-07-14T08:30:00Z'))).toMatchObject({ year: 2026, month: 7, day: 14, hour: 10, minute: 30 });
  });

  it('should put a time skipped in spring one hour later and take the first of a time repeated in autumn', () => {
    const skipped = fromParisWallClock({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0, millisecond: 0 });
    expect(formatParisDateTime(skipped)).toBe('2026-03-29T03:30:00+02:00');
    const repeated = fromParisWallClock({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0, millisecond: 0 });
    expect(formatParisDateTime(repeated)).toBe('2026-10-25T02:30:00+02:00');
  });
});

describe('formatParisDateTime', () => {
  it('should keep milliseconds when there are some, so an instant reads back as itself', () => {
    const instant = new Date('2026-11-26T17:00:00.250Z');
    expect(formatParisDateTime(instant)).toBe('2026-11-26T18:00:00.250+01:00');
    expect(new Date(formatParisDateTime(instant)).getTime()).toBe(instant.getTime());
    expect(formatParisDateTime(new Date('2026-07-01T08:00:00Z'))).toBe('2026-07-01T10:00:00+02:00');
  });
});
