import DataLoader from 'dataloader';
import { validate } from '@pdn/domain';
import { badInput, forbidden, unauthenticated } from '@pdn/errors';
import { coordinates, type Caller } from '@pdn/identity';
import { fromParisWallClock, parisWallClock } from './paris-time.js';

/**
 * The yearly bilan (`DepartmentStats @key(fields: "department year")`) is one entity to which each
 * subgraph contributes the figures it owns. What they must agree on lives here: who may read it, what
 * a valid key is, where a year starts and ends, and how the figures of several keys are fetched at once.
 */
export interface DepartmentYear {
  department: string;
  year: number;
}

/** The network's tools start in the 2010s: earlier years can only be typing mistakes. */
export const FIRST_STATS_YEAR = 2000;

/**
 * The département of a bilan the caller may read, normalised: the coordinators of that département and
 * admins. Anonymous callers are asked to sign in; partner applications and promeneurs are refused.
 * Applied by the root fields and by every subgraph's reference resolver, so `_entities` is no way around it.
 */
export function departmentStatsDepartment(caller: Caller, department: unknown): string {
  if (caller.kind === 'anonymous') throw unauthenticated("Sign in to see a département's yearly figures.");
  if (caller.kind === 'partner') throw forbidden("A département's yearly figures are for its coordinators, not for partner applications.");
  if (caller.role !== 'COORDINATOR' && caller.role !== 'ADMIN') throw forbidden("A département's yearly figures are for its coordinators.");
  const code = validate.departmentCode('department', typeof department === 'string' ? department : '');
  if (!coordinates(caller, code)) throw forbidden(`Only the coordinators of département ${code} can see its yearly figures.`);
  return code;
}

/** A bilan's year: from FIRST_STATS_YEAR to next year in Paris; `field` names it in a refusal. */
export function departmentStatsYear(year: unknown, now: Date, field = 'year'): number {
  const last = parisWallClock(now).year + 1;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < FIRST_STATS_YEAR || year > last) {
    throw badInput(field, `The year is between ${FIRST_STATS_YEAR} and ${last}.`);
  }
  return year;
}

/** The checked key of a bilan the caller may read, or the refusal (see departmentStatsDepartment). */
export function departmentStatsKey(caller: Caller, department: unknown, year: unknown, now: Date): DepartmentYear {
  return { department: departmentStatsDepartment(caller, department), year: departmentStatsYear(year, now) };
}

export interface ParisYear {
  /** 1 January, 00:00 in Paris. */
  from: Date;
  /** 1 January of the next year, 00:00 in Paris: the year is [from, to). */
  to: Date;
  /** YYYY-01-01 and YYYY-12-31, for columns that hold Paris days. */
  firstDay: string;
  lastDay: string;
}

export function parisYear(year: number): ParisYear {
  const newYear = (y: number) => fromParisWallClock({ year: y, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 });
  const yyyy = String(year).padStart(4, '0');
  return { from: newYear(year), to: newYear(year + 1), firstDay: `${yyyy}-01-01`, lastDay: `${yyyy}-12-31` };
}

export const departmentYearId = (key: DepartmentYear) => `${key.department}/${key.year}`;

/**
 * A figure of the bilan for every key asked for while one request (or several) is resolved, fetched
 * together: `fetch` gets each key once and answers with the figures it found by `departmentYearId`;
 * keys it has nothing for get `empty`. This keeps `_entities` over several years or départements at
 * one statement per figure. Not a cache: each tick reads afresh.
 */
export function batchByDepartmentYear<V>(fetch: (keys: DepartmentYear[]) => Promise<Map<string, V>>, empty: () => V): (key: DepartmentYear) => Promise<V> {
  const loader = new DataLoader<DepartmentYear, V, string>(
    async (keys) => {
      const unique = [...new Map(keys.map((key) => [departmentYearId(key), key])).values()];
      const found = await fetch(unique);
      return keys.map((key) => found.get(departmentYearId(key)) ?? empty());
    },
    { cache: false },
  );
  return (key) => loader.load(key);
}
