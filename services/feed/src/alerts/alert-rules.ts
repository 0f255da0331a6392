import { validate } from '@pdn/domain';
import { badInput, forbidden, unauthenticated } from '@pdn/errors';
import { coordinates, isAdmin, type Caller, type MemberCaller } from '@pdn/identity';
import { partnerDepartments, partnerMaySee } from '@pdn/subgraph';
import type { AlertRow } from '../db/feed.tables.js';
import { AlertStatus, severitiesFrom, type AlertCategory, type AlertSeverity } from './alert.enums.js';
import type { AlertFilter, RaiseAlertInput } from './alert.input.js';

export const TITLE_MIN = 3;
export const TITLE_MAX = 200;
export const BODY_MAX = 5000;
export const THEMES_MAX = 8;

// An e-mail address, also when disguised as "name [at] domain.fr" or "name arobase domain.fr".
const EMAIL = /[\p{L}\p{N}._%+-]+(?:@|\s*[[(]\s*at\s*[\])]\s*|\s+arobase\s+)[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.[a-z]{2,}(?![\p{L}\p{N}])/iu;
// French numbers: ten digits from 0[1-9], or +33 / 0033 then nine, the pairs run together or split by
// spaces, dots or dashes ("06 12 34 56 78", "+33 (0)6.12.34.56.78"). Not inside a longer run of
// digits, so dates (12/03/2025, 2025-03-12), postal codes, counts and SIRET numbers pass.
const SEP = '[\\s.\\-]?';
const PHONE = new RegExp(
  `(?<![\\d+])(?:(?:\\+|00)${SEP}33${SEP}(?:\\(0\\)${SEP})?[1-9]|0[1-9])(?:${SEP}\\d{2}){4}(?!\\d)`,
  'u',
);

export type ContactData = 'an e-mail address' | 'a phone number';

/** What contact data, if any, a text carries (the kind only: the data itself is never echoed). */
export function contactDataIn(text: string): ContactData | null {
  if (EMAIL.test(text)) return 'an e-mail address';
  if (PHONE.test(text)) return 'a phone number';
  return null;
}

function withoutContactData(field: string, what: 'title' | 'body', value: string): string {
  const found = contactDataIn(value);
  if (found) {
    throw badInput(
      field,
      `The ${what} contains ${found}. Alerts circulate across the network: they must not carry a young person's contact data (e-mail addresses, phone numbers). Remove it and describe the situation instead.`,
    );
  }
  return value;
}

export interface AlertFields {
  severity: AlertSeverity;
  category: AlertCategory;
  title: string;
  body: string;
  departments: string[];
  themes: string[];
  expiresAt: Date | null;
}

/** Checks and normalises a new alert; the caller must coordinate each of its départements. */
export function validRaise(caller: Caller, input: RaiseAlertInput, now: Date): AlertFields {
  const title = withoutContactData('input.title', 'title', validate.text('input.title', input.title, { min: TITLE_MIN, max: TITLE_MAX }));
  // The body keeps its line breaks (unlike validate.text): only its ends are trimmed.
  const body = input.body.trim();
  if (body.length === 0) throw badInput('input.body', 'This cannot be empty.');
  if (body.length > BODY_MAX) throw badInput('input.body', `At most ${BODY_MAX} characters.`);
  withoutContactData('input.body', 'body', body);
  if (input.departments.length === 0) throw badInput('input.departments', 'Name at least one département.');
  const departments = [...new Set(input.departments.map((code, i) => validate.departmentCode(`input.departments.${i}`, code)))];
  const themes = [...new Set(input.themes ?? [])];
  if (themes.length > THEMES_MAX) throw badInput('input.themes', `At most ${THEMES_MAX} themes.`);
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) throw badInput('input.expiresAt', 'The expiry must be in the future.');
  for (const department of departments) {
    if (!coordinates(caller, department)) throw forbidden(`Only the coordinators of département ${department} can raise alerts for it.`);
  }
  return { severity: input.severity, category: input.category, title, body, departments, themes, expiresAt };
}

/** Resolved beats expired: a resolution is a decision, an expiry only the clock. */
export function alertStatus(alert: Pick<AlertRow, 'resolvedAt' | 'expiresAt'>, now: Date): AlertStatus {
  if (alert.resolvedAt) return AlertStatus.RESOLVED;
  if (alert.expiresAt && alert.expiresAt.getTime() <= now.getTime()) return AlertStatus.EXPIRED;
  return AlertStatus.ACTIVE;
}

export type AlertReader = Exclude<Caller, { kind: 'anonymous' }>;

/**
 * Who may read alerts: signed-in members, and partner applications whose key has ALERTS_READ (the
 * schema's @RequireScope checks the scope) within their key's départements. Anonymous callers are
 * asked to sign in.
 */
export function alertReader(caller: Caller): AlertReader {
  if (caller.kind === 'anonymous') throw unauthenticated('Sign in to see the network alerts.');
  return caller;
}

/** Raising, acknowledging, resolving, and who acknowledged: members only, never a partner application. */
export function alertMember(caller: Caller): MemberCaller {
  const reader = alertReader(caller);
  if (reader.kind === 'partner') throw forbidden("This is for the network's members only, not partner applications.");
  return reader;
}

/**
 * Départements whose alerts the reader sees: 'ALL' for admins, else their own (coordinators: all of
 * theirs); a partner's key's, or the one it asks for (FORBIDDEN outside its key).
 */
export function readableDepartments(reader: AlertReader, requested?: string | null): string[] | 'ALL' {
  if (reader.kind === 'partner') return partnerDepartments(reader, requested)!;
  return isAdmin(reader) ? 'ALL' : reader.departments;
}

export function concerns(caller: Caller, alert: Pick<AlertRow, 'departments'>): boolean {
  return caller.kind === 'member' && alert.departments.some((d) => caller.departments.includes(d));
}

export function canSeeAlert(caller: Caller, alert: Pick<AlertRow, 'departments'>): boolean {
  if (caller.kind === 'partner') return partnerMaySee(caller, alert.departments);
  return isAdmin(caller) || concerns(caller, alert);
}

export function canResolve(caller: Caller, alert: Pick<AlertRow, 'departments'>): boolean {
  return alert.departments.some((d) => coordinates(caller, d));
}

/** The checked filter: `department` validated, severities expanded. */
export interface AlertCriteria {
  activeOnly: boolean;
  severities: AlertSeverity[];
  categories: AlertCategory[] | null;
  department: string | null;
}

export function alertCriteria(filter: AlertFilter | null | undefined): AlertCriteria {
  return {
    activeOnly: filter?.activeOnly ?? false,
    severities: severitiesFrom(filter?.minSeverity),
    categories: filter?.categories?.length ? filter.categories : null,
    department: filter?.department ? validate.departmentCode('filter.department', filter.department) : null,
  };
}

/** The same criteria as the SQL of the alerts query, for live events. */
export function matches(criteria: AlertCriteria, alert: AlertRow, now: Date): boolean {
  if (criteria.activeOnly && alertStatus(alert, now) !== AlertStatus.ACTIVE) return false;
  if (!criteria.severities.includes(alert.severity as AlertSeverity)) return false;
  if (criteria.categories && !criteria.categories.includes(alert.category as AlertCategory)) return false;
  if (criteria.department && !alert.departments.includes(criteria.department)) return false;
  return true;
}
