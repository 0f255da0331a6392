import type { FieldMiddleware, MiddlewareContext } from '@nestjs/graphql';
import { coordinates, type Caller } from '@pdn/identity';
import { type SubgraphContext } from '@pdn/identity/nest';

/**
 * The directory's visibility layers (domain.md):
 *  - PUBLIC: anyone, partners and anonymous callers included (only ACTIVE members are listed to them);
 *  - NETWORK: signed-in members of the network, who see professional contact details;
 *  - PRIVATE: the member, the coordinators of their département, admins.
 * Fields declare their layer once (`visibleTo(...)`); the field middleware applies it wherever the field
 * is resolved, in queries and in federation's `_entities` alike, and hides it as null.
 */
export type Visibility = 'PUBLIC' | 'NETWORK' | 'PRIVATE';

export interface MemberVisibilitySubject {
  id: string;
  department: string;
}

const VIEWED_BY_SELF = Symbol('viewed-by-self');

/**
 * The member a sign-in returns is the person who just signed in, although the request itself was
 * anonymous (no token yet): they see their own record in full.
 */
export function viewedBySelf<T extends MemberVisibilitySubject>(member: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(member) as object) as T, member, { [VIEWED_BY_SELF]: true });
}

export function canSee(caller: Caller, member: MemberVisibilitySubject, level: Visibility): boolean {
  if (level === 'PUBLIC' || (member as { [VIEWED_BY_SELF]?: boolean })[VIEWED_BY_SELF]) return true;
  if (caller.kind !== 'member') return false;
  if (caller.memberId === member.id || coordinates(caller, member.department)) return true;
  if (level === 'NETWORK') return caller.status === 'ACTIVE' || caller.status === 'CANDIDATE';
  return false;
}

export function visibleTo(level: Exclude<Visibility, 'PUBLIC'>): FieldMiddleware {
  return async (ctx: MiddlewareContext<MemberVisibilitySubject, SubgraphContext>, next) => {
    if (!canSee(ctx.context.caller, ctx.source, level)) return null;
    return next();
  };
}
