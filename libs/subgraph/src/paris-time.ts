/**
 * Europe/Paris wall-clock time, the one place it is computed. Instants are stored in UTC, but people
 * read and plan in local time: an event at 10:00 stays at 10:00 across the change to summer time, a
 * permanence on Tuesday 18:00 is Tuesday 18:00 whatever the offset.
 */
export const PARIS_TIME_ZONE = 'Europe/Paris';

const wallClockFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: PARIS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const HOUR_MS = 3_600_000;
/**
 * Paris's offset changes on the hour only (01:00 UTC on the last Sundays of March and October): it is
 * asked of Intl once per UTC hour and kept, as formatToParts is slow and every DateTime of an answer
 * (hundreds in a page) goes through here.
 */
const offsetByHour = new Map<number, number>();

function offsetAt(instant: number): number {
  const hour = Math.floor(instant / HOUR_MS);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    const start = hour * HOUR_MS;
    const p = Object.fromEntries(wallClockFormat.formatToParts(new Date(start)).map((x) => [x.type, Number(x.value)])) as Record<string, number>;
    offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - start;
    if (offsetByHour.size >= 100_000) offsetByHour.clear();
    offsetByHour.set(hour, offset);
  }
  return offset;
}

export function parisWallClock(instant: Date): WallClock {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError('Invalid time value');
  const local = new Date(time + offsetAt(time));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: instant.getUTCMilliseconds(),
  };
}

/** Offset of Paris from UTC at that instant, in milliseconds (+1 h in winter, +2 h in summer). */
export function parisOffsetMs(instant: number): number {
  return offsetAt(instant);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `2026-03-29T10:00:00+02:00`: the instant as French users read it, with its offset. Milliseconds are
 * written when there are any (`…T10:00:00.250+02:00`), so an instant read back is the same instant:
 * a client resuming a subscription `since` the last alert it saw must not get it again.
 */
export function formatParisDateTime(date: Date): string {
  const instant = date.getTime();
  const w = parisWallClock(date);
  const offsetMinutes = Math.round(parisOffsetMs(Math.floor(instant / 1000) * 1000) / 60000);
  const abs = Math.abs(offsetMinutes);
  const offset = `${offsetMinutes >= 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  const fraction = w.millisecond ? `.${pad(w.millisecond, 3)}` : '';
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${fraction}${offset}`;
}

/**
 * The instant at which Paris clocks show this wall-clock time. A time skipped by the spring change
 * (02:30 on the last Sunday of March) comes out one hour later; a time repeated in autumn takes its
 * first (summer-time) occurrence.
 */
export function fromParisWallClock(w: WallClock): Date {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  const DAY = 86_400_000;
  const before = parisOffsetMs(asUtc - DAY);
  const candidates = [before, parisOffsetMs(asUtc + DAY)].filter((offset) => parisOffsetMs(asUtc - offset) === offset);
  if (candidates.length === 0) return new Date(asUtc - before);
  return new Date(Math.min(...candidates.map((offset) => asUtc - offset)));
}

/** The same Paris wall-clock time, `days` calendar days later (or earlier when negative). */
export function addParisDays(instant: Date, days: number): Date {
  const w = parisWallClock(instant);
  const moved = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return fromParisWallClock({ ...w, year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() });
}

/** What permanences and presence dates are written in: `{ date: 'YYYY-MM-DD', weekday: 1–7 (ISO), time: 'HH:MM' }`. */
export function parisDateAndTime(instant: Date): { date: string; weekday: number; time: string } {
  const text = formatParisDateTime(instant);
  const date = text.slice(0, 10);
  return { date, weekday: isoWeekday(date), time: text.slice(11, 16) };
}

export function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}
