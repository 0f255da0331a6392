import { badInput } from '@pdn/errors';

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A real YYYY-MM-DD day. Checked here although the schema says `Date`: Nest's federation driver
 * rebuilds the executable schema from SDL and keeps the parsing of `DateTime` only, so a `Date`
 * argument arrives as whatever the client sent ("2026-02-30", a number…).
 */
export function calendarDate(field: string, value: unknown): string {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  const [y, m, d] = (match?.slice(1) ?? []).map(Number) as [number, number, number];
  if (!match || new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10) !== value) {
    throw badInput(field, `${JSON.stringify(value)} is not a date (YYYY-MM-DD).`);
  }
  return value as string;
}

/** Dates are YYYY-MM-DD calendar days (already checked by the Date scalar): day arithmetic is done in UTC, where every day has 24 hours. */
function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** The same day a year earlier; 29 February goes to 1 March. */
export function oneYearBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y - 1, m - 1, d)).toISOString().slice(0, 10);
}

/** A period of at most a year bounds every sum below what an Int can carry. */
export const MAX_RANGE_DAYS = 366;

/** Days in [from, to], both included; refuses a reversed or longer-than-a-year period. */
export function rangeDays(from: string, to: string, toField = 'to'): number {
  calendarDate('from', from);
  calendarDate(toField, to);
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days < 1) throw badInput(toField, `The period ends (${to}) before it starts (${from}).`);
  if (days > MAX_RANGE_DAYS) throw badInput(toField, `A period covers at most ${MAX_RANGE_DAYS} days.`);
  return days;
}
