import { and, eq, isNull } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import {
  MEMBER_ACCESS_CHANGED,
  MEMBER_ACCESS_CHANGED_VERSION,
  recordEvent,
  SESSION_ENDED,
  SESSION_ENDED_VERSION,
  type MemberAccessChangedPayload,
  type SessionEndedPayload,
} from '@pdn/domain-events';
import { sessions, type MemberRow } from '../db/members.tables.js';
import type { Executor } from './auth.repository.js';
import { memberDepartments } from './token-signer.js';

// Access tokens are checked by the gateway alone, with the public key: they outlive what made them
// valid (a session, a status) by up to ACCESS_TOKEN_TTL_SECONDS. Whatever ends a session or narrows a
// member's access therefore also writes an event, in the same transaction, that the gateway follows
// (gateway/src/session-revocations.ts) to refuse those tokens at once. An erasure is announced by
// `member.erased`, which the gateway reads too.

/** The last instant an access token signed now can be used: what the gateway must remember until. */
export function tokensExpireBy(now: Date, accessTokenTtlSeconds: number): string {
  return new Date(now.getTime() + accessTokenTtlSeconds * 1000).toISOString();
}

function inTransaction<T>(executor: Executor, work: (tx: Executor) => Promise<T>): Promise<T> {
  return (executor as unknown) instanceof PgTransaction ? work(executor) : executor.transaction(work);
}

/**
 * Ends a session unless it has already ended (the first reason is kept) and records `session.ended`
 * with it: in the caller's transaction, or in one of its own when given the database. Returns the
 * session's member when this call ended it, undefined when there was nothing to end. The one way a
 * single session is revoked.
 */
export function endSession(
  executor: Executor,
  sessionId: string,
  reason: string,
  now: Date,
  accessTokenTtlSeconds: number,
): Promise<{ memberId: string } | undefined> {
  return inTransaction(executor, async (tx) => {
    const [ended] = await tx
      .update(sessions)
      .set({ revokedAt: now, revokedReason: reason })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
      .returning({ memberId: sessions.memberId });
    if (!ended) return undefined;
    const payload: SessionEndedPayload = {
      sessionId,
      memberId: ended.memberId,
      reason,
      tokensExpireBy: tokensExpireBy(now, accessTokenTtlSeconds),
    };
    await recordEvent(tx, SESSION_ENDED, payload, { version: SESSION_ENDED_VERSION, occurredAt: now });
    return { memberId: ended.memberId };
  });
}

/**
 * Records `member.access-changed` with the member's access as it now is (status, role, départements,
 * as an access token would carry them), in the caller's transaction: the gateway then refuses the
 * member's older tokens that claim more. Call it wherever status, role or départements change.
 */
export async function recordAccessChange(
  tx: Executor,
  member: Pick<MemberRow, 'id' | 'status' | 'role' | 'department' | 'coordinatedDepartments'>,
  now: Date,
  accessTokenTtlSeconds: number,
): Promise<void> {
  const payload: MemberAccessChangedPayload = {
    memberId: member.id,
    status: member.status as MemberAccessChangedPayload['status'],
    role: member.role as MemberAccessChangedPayload['role'],
    departments: memberDepartments(member),
    tokensExpireBy: tokensExpireBy(now, accessTokenTtlSeconds),
  };
  await recordEvent(tx, MEMBER_ACCESS_CHANGED, payload, { version: MEMBER_ACCESS_CHANGED_VERSION, occurredAt: now });
}
