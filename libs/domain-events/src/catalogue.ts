import type { DomainEvent } from './domain-event.js';

// The events that travel between subgraphs, with their payloads. A producer writes them with
// `recordEvent(tx, TYPE, payload, { version })`; a consumer reads them back with the parser, which
// refuses a payload it does not understand (the event is then retried, not lost, until a version
// of the consumer that understands it is deployed).

/**
 * members → calendar, feed: a member erased their account (eraseMyAccount). Every subgraph removes
 * or detaches what it holds about them. Version 1.
 */
export const MEMBER_ERASED = 'member.erased';
export const MEMBER_ERASED_VERSION = 1;

export interface MemberErasedPayload extends Record<string, unknown> {
  memberId: string;
  /** The member's home département when erased (INSEE code): where anonymous aggregates are kept. */
  department: string;
  /** The member asked for their posts and comments to be deleted too, rather than kept anonymous. */
  deletePosts: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function memberErasedPayload(event: DomainEvent): MemberErasedPayload {
  const { memberId, department, deletePosts } = event.payload as Partial<MemberErasedPayload>;
  if (event.type !== MEMBER_ERASED || event.version !== MEMBER_ERASED_VERSION) {
    throw new Error(`Not a ${MEMBER_ERASED} v${MEMBER_ERASED_VERSION} event: ${event.type} v${event.version}`);
  }
  if (typeof memberId !== 'string' || !UUID.test(memberId) || typeof department !== 'string' || typeof deletePosts !== 'boolean') {
    throw new Error(`Malformed ${MEMBER_ERASED} payload in event ${event.id}`);
  }
  return { memberId, department, deletePosts };
}

/**
 * members → gateway: a session ended (logout, a refresh token presented twice, its member gone). The
 * gateway refuses the session's access tokens (claim `sid`) from then on, until `tokensExpireBy`,
 * when the last of them has expired anyway. Version 1.
 */
export const SESSION_ENDED = 'session.ended';
export const SESSION_ENDED_VERSION = 1;

export interface SessionEndedPayload extends Record<string, unknown> {
  sessionId: string;
  memberId: string;
  /** 'logout', 'refresh-token-reuse', 'member-left'. */
  reason: string;
  /** ISO instant after which no access token of the session can still be valid. */
  tokensExpireBy: string;
}

export function sessionEndedPayload(event: DomainEvent): SessionEndedPayload {
  const { sessionId, memberId, reason, tokensExpireBy } = event.payload as Partial<SessionEndedPayload>;
  if (event.type !== SESSION_ENDED || event.version !== SESSION_ENDED_VERSION) {
    throw new Error(`Not a ${SESSION_ENDED} v${SESSION_ENDED_VERSION} event: ${event.type} v${event.version}`);
  }
  if (typeof sessionId !== 'string' || !UUID.test(sessionId) || typeof memberId !== 'string' || !UUID.test(memberId) || typeof reason !== 'string' || !isInstant(tokensExpireBy)) {
    throw new Error(`Malformed ${SESSION_ENDED} payload in event ${event.id}`);
  }
  return { sessionId, memberId, reason, tokensExpireBy };
}

/**
 * members → gateway: what a member may do changed (a coordinator changed their status; roles and
 * départements would too). Access tokens carry status, role and départements: until `tokensExpireBy`
 * the gateway refuses a token of this member that claims more than this (another status than this one,
 * unless this one is ACTIVE; a higher role; a département not listed). Version 1.
 */
export const MEMBER_ACCESS_CHANGED = 'member.access-changed';
export const MEMBER_ACCESS_CHANGED_VERSION = 1;

const ROLES = ['PROMENEUR', 'COORDINATOR', 'ADMIN'] as const;
const STATUSES = ['CANDIDATE', 'ACTIVE', 'SUSPENDED', 'LEFT'] as const;

export interface MemberAccessChangedPayload extends Record<string, unknown> {
  memberId: string;
  status: (typeof STATUSES)[number];
  role: (typeof ROLES)[number];
  /** The member's own département, then those they coordinate: as in access tokens. */
  departments: string[];
  /** ISO instant after which no access token issued before the change can still be valid. */
  tokensExpireBy: string;
}

export function memberAccessChangedPayload(event: DomainEvent): MemberAccessChangedPayload {
  const { memberId, status, role, departments, tokensExpireBy } = event.payload as Partial<MemberAccessChangedPayload>;
  if (event.type !== MEMBER_ACCESS_CHANGED || event.version !== MEMBER_ACCESS_CHANGED_VERSION) {
    throw new Error(`Not a ${MEMBER_ACCESS_CHANGED} v${MEMBER_ACCESS_CHANGED_VERSION} event: ${event.type} v${event.version}`);
  }
  if (
    typeof memberId !== 'string' ||
    !UUID.test(memberId) ||
    !STATUSES.includes(status as never) ||
    !ROLES.includes(role as never) ||
    !Array.isArray(departments) ||
    !departments.every((d) => typeof d === 'string') ||
    !isInstant(tokensExpireBy)
  ) {
    throw new Error(`Malformed ${MEMBER_ACCESS_CHANGED} payload in event ${event.id}`);
  }
  return { memberId, status: status!, role: role!, departments, tokensExpireBy: tokensExpireBy! };
}

function isInstant(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}
