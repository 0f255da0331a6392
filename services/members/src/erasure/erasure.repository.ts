import { Inject, Injectable } from '@nestjs/common';
import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { MEMBERS_DATABASE, type MembersDatabase } from '../common/tokens.js';
import {
  emailOutbox,
  invitations,
  loginThrottle,
  members,
  refreshTokens,
  sessions,
  statusChanges,
  type MemberRow,
} from '../db/members.tables.js';
import type { Executor } from '../auth/auth.repository.js';
import { apiKeys } from '../db/api-keys.tables.js';
import { memberSearchColumns } from '../members/member-search.js';

/** What an erased member's profile becomes: nothing about the person, yet a valid row. */
export const ERASED_FIRST_NAME = 'Ancien';
export const ERASED_LAST_NAME = 'membre';
export const ERASED_DISPLAY_NAME = 'Ancien membre';
/**
 * Every personal column of an erased profile, as it is stored (erasure) and as the shared former
 * member is shown (members/former-member.ts): the same face for both.
 */
export const ERASED_PROFILE = {
  firstName: ERASED_FIRST_NAME,
  lastName: ERASED_LAST_NAME,
  displayName: ERASED_DISPLAY_NAME,
  passwordHash: null,
  phone: null,
  jobTitle: null,
  structureId: null,
  coordinatedDepartments: [] as string[],
  themes: [] as string[],
  audiences: [] as string[],
  channels: [] as MemberRow['channels'],
  weeklyHoursCommitment: 0,
  charterVersion: null,
  charterAcceptedAt: null,
  status: 'LEFT',
} satisfies Partial<MemberRow>;

/** Replaces the reasons written about the member in their status history. */
export const ERASED_REASON = 'erased with the account';
export const REVOKED_ACCOUNT_ERASED = 'account-erased';

/**
 * A unique address that can never receive mail nor be typed at sign-in as someone's (`.invalid` is
 * reserved, RFC 2606), so the unique e-mail index stays satisfied and the address is free for anyone.
 */
export function erasedEmail(memberId: string): string {
  return `erased-${memberId}@erased.invalid`;
}

/** The members side of an erasure, every statement in the caller's transaction. */
@Injectable()
export class ErasureRepository {
  constructor(@Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase) {}

  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    return this.database.db.transaction(work);
  }

  async findMember(id: string): Promise<MemberRow | undefined> {
    const [row] = await this.database.db.select().from(members).where(eq(members.id, id));
    return row;
  }

  /** The member's row, locked until the transaction ends: a concurrent change waits for the erasure. */
  async lockMember(tx: Executor, id: string): Promise<MemberRow | undefined> {
    const [row] = await tx.select().from(members).where(eq(members.id, id)).for('update');
    return row;
  }

  async otherActiveAdmins(tx: Executor, id: string): Promise<number> {
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(members)
      .where(and(eq(members.role, 'ADMIN'), eq(members.status, 'ACTIVE'), isNull(members.erasedAt), ne(members.id, id)));
    return Number(row?.n ?? 0);
  }

  /**
   * Every personal column cleared or replaced; what the network's figures need stays (id, role,
   * département, creation date), with the status LEFT.
   */
  async anonymise(tx: Executor, member: MemberRow, now: Date): Promise<void> {
    await tx
      .update(members)
      .set({
        ...ERASED_PROFILE,
        ...memberSearchColumns({ ...ERASED_PROFILE, jobTitle: null }),
        email: erasedEmail(member.id),
        erasedAt: now,
        updatedAt: now,
      })
      .where(eq(members.id, member.id));
  }

  /** The member leaves (recorded like any status change), and the reasons written about them go. */
  async recordLeaving(tx: Executor, member: MemberRow, now: Date): Promise<void> {
    await tx.update(statusChanges).set({ reason: ERASED_REASON }).where(eq(statusChanges.memberId, member.id));
    if (member.status !== 'LEFT') {
      await tx.insert(statusChanges).values({ memberId: member.id, fromStatus: member.status, toStatus: 'LEFT', reason: ERASED_REASON, byMemberId: member.id, at: now });
    }
  }

  /** Every session ends and every refresh token goes: no device stays signed in. */
  async revokeSessions(tx: Executor, memberId: string, now: Date): Promise<void> {
    const ofMember = tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.memberId, memberId));
    await tx.delete(refreshTokens).where(inArray(refreshTokens.sessionId, ofMember));
    await tx
      .update(sessions)
      .set({ revokedAt: now, revokedReason: REVOKED_ACCOUNT_ERASED })
      .where(and(eq(sessions.memberId, memberId), isNull(sessions.revokedAt)));
  }

  /**
   * The partner keys the member created stop working at once (a key outlives no one's account); they
   * stay listed, revoked, for the coordinators who follow those partners.
   */
  async revokeApiKeysCreatedBy(tx: Executor, memberId: string, now: Date): Promise<void> {
    await tx
      .update(apiKeys)
      .set({ revokedAt: now, revokedBy: memberId })
      .where(and(eq(apiKeys.createdBy, memberId), isNull(apiKeys.revokedAt)));
  }

  /**
   * The invitations that carried the member's name and address go (the one they accepted, any other
   * sent to their address); those they sent to others stay, without them as the sender.
   */
  async removeInvitations(tx: Executor, member: MemberRow): Promise<void> {
    await tx
      .delete(invitations)
      .where(or(eq(invitations.memberId, member.id), sql`lower(${invitations.email}) = lower(${member.email})`));
    await tx.update(invitations).set({ invitedBy: null }).where(eq(invitations.invitedBy, member.id));
  }

  /** Mail to the member's address, sent or not, and the sign-in throttle kept under it. */
  async removeMailAndThrottle(tx: Executor, email: string): Promise<void> {
    await tx.delete(emailOutbox).where(sql`lower(${emailOutbox.recipient}) = lower(${email})`);
    await tx.delete(loginThrottle).where(eq(loginThrottle.email, email.toLowerCase()));
  }
}
