import { formatParisDateTime, fromParisWallClock, isoWeekday as isoWeekdayOf, parisOffsetMs } from '@pdn/subgraph';

/**
 * Europe/Paris dates for the demo calendar: the seed plans in wall-clock time ("Thursday 09:30 in
 * Auch") and sends ISO 8601 instants with the offset in force on that day. The time-zone arithmetic
 * is @pdn/subgraph's, the one the API itself uses; this adds plain calendar-date helpers.
 */
export { formatParisDateTime, PARIS_TIME_ZONE } from '@pdn/subgraph';

/** Minutes Paris is ahead of UTC at that instant: 60 in winter, 120 in summer. */
export function parisOffsetMinutes(instant: Date): number {
  return Math.round(parisOffsetMs(Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant Paris clocks show `time` on `date`, as ISO 8601 with the offset of that day:
 * `parisDateTime('2026-01-15', '09:30')` is `2026-01-15T09:30:00+01:00`.
 */
export function parisDateTime(date: string, time: string): string {
  const [year, month, day] = parseDate(date);
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new Error(`paris-time: "${time}" is not a time (HH:MM)`);
  return formatParisDateTime(fromParisWallClock({ year, month, day, hour: Number(match[1]), minute: Number(match[2]), second: 0, millisecond: 0 }));
}

/** Today's date in Paris, `YYYY-MM-DD`. */
export function parisToday(now: Date): string {
  return formatParisDateTime(now).slice(0, 10);
}

function parseDate(date: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`paris-time: "${date}" is not a date (YYYY-MM-DD)`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    throw new Error(`paris-time: "${date}" is not a calendar date`);
  }
  return [y, m, d];
}

/** The calendar date `days` later (earlier when negative). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const [y1, m1, d1] = parseDate(from);
  const [y2, m2, d2] = parseDate(to);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  parseDate(date);
  return isoWeekdayOf(date);
}

/** The Monday of the week `date` is in. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}
