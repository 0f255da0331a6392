import { formatParisDateTime } from '@pdn/subgraph';

/** An instant as a wall clock in Europe/Paris shows it: what permanences and presence dates are written in. */
export interface ParisWallClock {
  /** YYYY-MM-DD */
  date: string;
  /** 1 = Monday … 7 = Sunday (ISO) */
  weekday: number;
  /** HH:MM */
  time: string;
}

/**
 * Read from the Europe/Paris rendering of the instant rather than from a fixed offset, so that the
 * weekday and time stay right on both sides of a DST change and around midnight.
 */
export function parisWallClock(instant: Date): ParisWallClock {
  const text = formatParisDateTime(instant);
  const date = text.slice(0, 10);
  return { date, weekday: isoWeekday(date), time: text.slice(11, 16) };
}

export function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}
