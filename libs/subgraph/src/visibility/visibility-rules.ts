import { forbidden } from '@pdn/errors';
import { coordinates, type Caller } from '@pdn/identity';

/**
 * The visibility layers of the network's data (domain.md):
 *  - PUBLIC: anyone, partner applications and anonymous callers included;
 *  - NETWORK: signed-in ACTIVE or CANDIDATE members (professional contact details);
 *  - PRIVATE: the member themself, the coordinators of their département, admins.
 * A field declares its layer once on the schema (`@Visibility`); PUBLIC is the default.
 */
export type VisibilityLayer = 'PUBLIC' | 'NETWORK' | 'PRIVATE';

/** Whose data a field shows: the member it belongs to and the département that coordinates them. */
export interface DataSubject {
  memberId: string;
  /** Absent when the source does not carry it: then only the member and admins pass PRIVATE. */
  department?: string | null;
}

const VIEWED_BY_SELF = Symbol.for('pdn:viewed-by-self');

/**
 * Marks an object as seen by the member it belongs to, although the request itself is anonymous: the
 * member a sign-in returns is the person who just signed in (no token yet), who sees their record in
 * full. The copy keeps the prototype, so the object stays what its resolvers expect.
 */
export function viewedBySelf<T extends object>(value: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(value) as object) as T, value, { [VIEWED_BY_SELF]: true });
}

export function isViewedBySelf(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { [VIEWED_BY_SELF]?: boolean })[VIEWED_BY_SELF] === true;
}

export function isSelf(caller: Caller, subject: DataSubject): boolean {
  return caller.kind === 'member' && caller.memberId === subject.memberId;
}

/** Whether `caller` may see a field of `subject` declared at `layer`. */
export function canSee(caller: Caller, subject: DataSubject, layer: VisibilityLayer): boolean {
  if (layer === 'PUBLIC') return true;
  if (caller.kind !== 'member') return false;
  if (isSelf(caller, subject) || coordinates(caller, subject.department)) return true;
  if (layer === 'NETWORK') return caller.status === 'ACTIVE' || caller.status === 'CANDIDATE';
  return false;
}

/**
 * The départements a list may cover for this caller, the one rule every subgraph applies to partner
 * applications: null for members and anonymous callers (their own rules apply); for a partner, the
 * départements of its API key, or the one it asks for when the key covers it (FORBIDDEN otherwise).
 * Never an empty list: a key without départements is refused, so that "no restriction" and "nothing"
 * cannot be confused downstream.
 */
export function partnerDepartments(caller: Caller, requested?: string | null): string[] | null {
  if (caller.kind !== 'partner') return null;
  if (caller.departments.length === 0) throw forbidden('This API key covers no département.');
  if (!requested) return [...caller.departments];
  if (!caller.departments.includes(requested)) throw forbidden(`This API key does not cover département ${requested}.`);
  return [requested];
}

/**
 * Whether a single entity of these départements is within the caller's reach: always for members and
 * anonymous callers, for a partner when one of them is a département of its key. An entity outside
 * is answered as absent (null, NOT_FOUND), like one that does not exist.
 */
export function partnerMaySee(caller: Caller, departments: string | readonly string[] | null | undefined): boolean {
  if (caller.kind !== 'partner') return true;
  const list = typeof departments === 'string' ? [departments] : (departments ?? []);
  return list.some((d) => caller.departments.includes(d));
}
