import { unauthenticated } from '@pdn/errors';
/** Who is calling, as the gateway established it and every subgraph reads it. */
export type Role = 'PROMENEUR' | 'COORDINATOR' | 'ADMIN';
export type MemberStatus = 'CANDIDATE' | 'ACTIVE' | 'SUSPENDED' | 'LEFT';
export type ApiScope = 'DIRECTORY_READ' | 'CALENDAR_READ' | 'FEED_READ' | 'ALERTS_READ';

export type Caller =
  | { kind: 'anonymous' }
  | {
      kind: 'member';
      memberId: string;
      role: Role;
      status: MemberStatus;
      /** INSEE codes: the member's own département, and those a coordinator runs. */
      departments: string[];
      /** The structure the member works for, when they have one. */
      structureId?: string;
      sessionId?: string;
    }
  | { kind: 'partner'; apiKeyId: string; scopes: ApiScope[]; departments: string[] };

export type MemberCaller = Extract<Caller, { kind: 'member' }>;

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });

export function isMember(caller: Caller): caller is MemberCaller {
  return caller.kind === 'member';
}

/** Any signed-in member, whatever their status, counts as "network" for contact details once ACTIVE or CANDIDATE. */
export function isNetworkMember(caller: Caller): caller is MemberCaller {
  return caller.kind === 'member' && (caller.status === 'ACTIVE' || caller.status === 'CANDIDATE');
}

export function isAdmin(caller: Caller): boolean {
  return caller.kind === 'member' && caller.role === 'ADMIN';
}

/** Coordinators act only within their départements; admins everywhere. */
export function coordinates(caller: Caller, department: string | null | undefined): boolean {
  if (caller.kind !== 'member') return false;
  if (caller.role === 'ADMIN') return true;
  return caller.role === 'COORDINATOR' && !!department && caller.departments.includes(department);
}

export function isCoordinator(caller: Caller): caller is MemberCaller {
  return caller.kind === 'member' && (caller.role === 'COORDINATOR' || caller.role === 'ADMIN');
}

/** The signed-in member, or UNAUTHENTICATED: for what only members may do. */
export function requireMember(caller: Caller, message?: string): MemberCaller {
  if (caller.kind !== 'member') throw unauthenticated(message);
  return caller;
}
