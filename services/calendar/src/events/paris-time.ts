/**
 * Wall-clock arithmetic in Europe/Paris. Instants are stored in UTC, but people plan events in local
 * time: moving a 10:00 training by a week across the change to summer time must land on 10:00 again,
 * not on 11:00, so days are added to the local date and the result converted back to an instant.
 */
const PARIS = 'Europe/Paris';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: PARIS,
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

export function parisWallClock(instant: Date): WallClock {
  const p = Object.fromEntries(parts.formatToParts(instant).map((x) => [x.type, Number(x.value)])) as Record<string, number>;
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second!, millisecond: instant.getUTCMilliseconds() };
}

/** Offset of Paris from UTC at that instant, in milliseconds (+1 h in winter, +2 h in summer). */
function parisOffset(instant: number): number {
  const w = parisWallClock(new Date(instant));
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond) - instant;
}

/**
 * The instant at which Paris clocks show this wall-clock time. A time skipped by the spring change
 * (02:30 on the last Sunday of March) comes out one hour later; a time repeated in autumn takes its
 * first (summer-time) occurrence.
 */
export function fromParisWallClock(w: WallClock): Date {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  const DAY = 86_400_000;
  const before = parisOffset(asUtc - DAY);
  const candidates = [before, parisOffset(asUtc + DAY)].filter((offset) => parisOffset(asUtc - offset) === offset);
  if (candidates.length === 0) return new Date(asUtc - before);
  return new Date(Math.min(...candidates.map((offset) => asUtc - offset)));
}

/** The same Paris wall-clock time, `days` calendar days later (or earlier when negative). */
export function addParisDays(instant: Date, days: number): Date {
  const w = parisWallClock(instant);
  const moved = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return fromParisWallClock({ ...w, year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() });
}
