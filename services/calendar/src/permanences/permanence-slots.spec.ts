import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@pdn/errors';
import { covers, MAX_SLOTS, validSchedule, type Slot } from './permanence-slots.js';
import { parisDateAndTime } from '@pdn/subgraph';

const slot = (weekday: number, startTime: string, endTime: string, network = 'INSTAGRAM'): Slot => ({ weekday, startTime, endTime, network });

function refusal(slots: Slot[]) {
  try {
    validSchedule(slots);
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('the schedule was accepted');
}

describe('a weekly schedule', () => {
  it('should order slots by day and start', () => {
    expect(validSchedule([slot(3, '18:00', '20:00'), slot(1, '20:00', '21:00'), slot(1, '17:00', '18:00')])).toEqual([
      slot(1, '17:00', '18:00'),
      slot(1, '20:00', '21:00'),
      slot(3, '18:00', '20:00'),
    ]);
  });

  it('should let slots touch: the end of one is the start of the next', () => {
    expect(validSchedule([slot(2, '18:00', '20:00'), slot(2, '20:00', '21:00', 'SNAPCHAT')])).toHaveLength(2);
  });

  it('should refuse overlapping slots of one day even on different networks, naming the later one in the input', () => {
    expect(refusal([slot(2, '18:00', '20:00', 'INSTAGRAM'), slot(4, '10:00', '11:00'), slot(2, '19:30', '21:00', 'DISCORD')])).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'slots.2.startTime',
    });
    expect(refusal([slot(2, '19:30', '21:00'), slot(2, '18:00', '20:00')]).field).toBe('slots.1.startTime');
  });

  it('should refuse a slot inside a longer one', () => {
    expect(refusal([slot(5, '10:00', '20:00'), slot(5, '11:00', '12:00'), slot(5, '13:00', '14:00')]).field).toBe('slots.1.startTime');
    expect(refusal([slot(5, '10:00', '20:00'), slot(5, '13:00', '14:00')]).field).toBe('slots.1.startTime');
  });

  it('should refuse the same slot twice', () => {
    expect(refusal([slot(6, '14:00', '15:00'), slot(6, '14:00', '15:00', 'TIKTOK')]).field).toBe('slots.1.startTime');
  });

  it('should not see an overlap between the same hours of different days', () => {
    expect(validSchedule([slot(1, '18:00', '20:00'), slot(2, '18:00', '20:00')])).toHaveLength(2);
  });

  it('should refuse inverted and empty slots on the end time', () => {
    expect(refusal([slot(1, '20:00', '18:00')])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slots.0.endTime' });
    expect(refusal([slot(1, '10:00', '11:00'), slot(1, '18:00', '18:00')]).field).toBe('slots.1.endTime');
  });

  it('should refuse weekdays outside 1 to 7', () => {
    for (const weekday of [0, 8, -1, 1.5]) expect(refusal([slot(weekday, '10:00', '11:00')]).field).toBe('slots.0.weekday');
  });

  it('should refuse times that are not HH:MM between 00:00 and 23:59', () => {
    for (const time of ['9:00', '24:00', '23:60', '12h00', '12:00:00', ' 12:00', '']) {
      expect(refusal([slot(1, time, '23:59')]).field).toBe('slots.0.startTime');
    }
    for (const time of ['24:01', '25:00', '9:30', '18:5']) expect(refusal([slot(1, '08:00', time)]).field).toBe('slots.0.endTime');
  });

  it('should accept 24:00 as the end of the day, and 00:00 as a start', () => {
    expect(validSchedule([slot(1, '22:00', '24:00'), slot(2, '00:00', '01:00')])).toHaveLength(2);
  });

  it(`should accept ${MAX_SLOTS} slots and refuse one more`, () => {
    const week = Array.from({ length: MAX_SLOTS }, (_, i) => slot((i % 7) + 1, `${String(8 + Math.floor(i / 7) * 2).padStart(2, '0')}:00`, `${String(9 + Math.floor(i / 7) * 2).padStart(2, '0')}:00`));
    expect(validSchedule(week)).toHaveLength(MAX_SLOTS);
    expect(refusal([...week, slot(1, '23:00', '24:00')])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slots' });
  });

  it('should treat a slot as half-open: covered from its start, not at its end', () => {
    const evening = slot(1, '18:00', '20:00');
    expect(covers(evening, { weekday: 1, time: '17:59' })).toBe(false);
    expect(covers(evening, { weekday: 1, time: '18:00' })).toBe(true);
    expect(covers(evening, { weekday: 1, time: '19:59' })).toBe(true);
    expect(covers(evening, { weekday: 1, time: '20:00' })).toBe(false);
    expect(covers(evening, { weekday: 2, time: '19:00' })).toBe(false);
    expect(covers(slot(1, '22:00', '24:00'), { weekday: 1, time: '23:59' })).toBe(true);
  });
});

describe('the Paris wall clock', () => {
  it('should read winter time as UTC+1 and summer time as UTC+2', () => {
    expect(parisDateAndTime(new Date('2026-01-15T17:30:00Z'))).toEqual({ date: '2026-01-15', weekday: 4, time: '18:30' });
    expect(parisDateAndTime(new Date('2026-07-15T17:30:00Z'))).toEqual({ date: '2026-07-15', weekday: 3, time: '19:30' });
  });

  it('should jump from 01:59 to 03:00 on 29 March 2026 and come back from 02:59 to 02:00 on 25 October 2026', () => {
    expect(parisDateAndTime(new Date('2026-03-29T00:59:00Z')).time).toBe('01:59');
    expect(parisDateAndTime(new Date('2026-03-29T01:00:00Z')).time).toBe('03:00');
    expect(parisDateAndTime(new Date('2026-10-25T00:59:00Z')).time).toBe('02:59');
    expect(parisDateAndTime(new Date('2026-10-25T01:00:00Z')).time).toBe('02:00');
  });

  it('should change day at midnight in Paris, not in UTC', () => {
    // 23:30 UTC on Sunday 29 March is already Monday 01:30 in Paris (summer time).
    expect(parisDateAndTime(new Date('2026-03-29T22:30:00Z'))).toEqual({ date: '2026-03-30', weekday: 1, time: '00:30' });
    expect(parisDateAndTime(new Date('2026-12-31T22:59:59Z'))).toEqual({ date: '2026-12-31', weekday: 4, time: '23:59' });
    expect(parisDateAndTime(new Date('2026-12-31T23:00:00Z'))).toEqual({ date: '2027-01-01', weekday: 5, time: '00:00' });
  });
});
