import { Inject, Injectable } from '@nestjs/common';
import { MEMBER_ERASED, MEMBER_ERASED_VERSION, recordEvent, type MemberErasedPayload } from '@pdn/domain-events';
import { badInput, conflict, unauthenticated } from '@pdn/errors';
import { requireMember, type Caller } from '@pdn/identity';
import { AUTH_LOG, type AuthLogger } from '../auth/auth.tokens.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { PASSWORD_MAX_LENGTH, verifyAgainstDummy, verifyPassword } from '../auth/passwords.js';
import { CLOCK, type Clock } from '../common/tokens.js';
import { ErasureRepository } from './erasure.repository.js';

export const WRONG_PASSWORD = 'This is not your password.';
export const ACCOUNT_GONE = 'Your account no longer exists.';
export const LAST_ADMIN = 'You are the only administrator: make someone else an administrator before erasing your account.';

/**
 * The right to erasure: the member's personal data goes everywhere. Here, in one transaction: the
 * profile anonymised, every session and refresh token revoked, their invitations, mail and sign-in
 * throttle removed, and a `member.erased` event written to the outbox; calendar and feed apply that
 * event to what they hold (and catch up on it if they are down).
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly repository: ErasureRepository,
    private readonly throttle: LoginThrottle,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AUTH_LOG) private readonly logger: AuthLogger,
  ) {}

  async eraseMyAccount(caller: Caller, password: string, deletePosts: boolean): Promise<true> {
    const self = requireMember(caller);
    // The access token outlives the account by a few minutes at most: it no longer names anyone.
    const member = await this.repository.findMember(self.memberId);
    if (!member || member.erasedAt) throw unauthenticated(ACCOUNT_GONE);
    if ([...password].length > PASSWORD_MAX_LENGTH) throw badInput('password', WRONG_PASSWORD);

    // A stolen access token must not be enough to erase an account, nor to guess its password:
    // wrong passwords count against the sign-in throttle of the member's address.
    const email = member.email.toLowerCase();
    await this.throttle.assertAllowed(email);
    const matches = member.passwordHash ? await verifyPassword(member.passwordHash, password) : await verifyAgainstDummy(password);
    if (!matches) {
      await this.throttle.recordFailure(email);
      this.logger.info({ event: 'erasure-refused', memberId: member.id }, 'account erasure refused: wrong password');
      throw badInput('password', WRONG_PASSWORD);
    }

    const now = this.clock.now();
    await this.repository.transaction(async (tx) => {
      const current = await this.repository.lockMember(tx, member.id);
      if (!current || current.erasedAt) throw unauthenticated(ACCOUNT_GONE);
      if (current.role === 'ADMIN' && (await this.repository.otherActiveAdmins(tx, current.id)) === 0) throw conflict(LAST_ADMIN);
      await this.repository.recordLeaving(tx, current, now);
      await this.repository.revokeSessions(tx, current.id, now);
      await this.repository.removeInvitations(tx, current);
      await this.repository.removeMailAndThrottle(tx, current.email);
      await this.repository.revokeApiKeysCreatedBy(tx, current.id, now);
      await this.repository.anonymise(tx, current, now);
      const payload: MemberErasedPayload = { memberId: current.id, department: current.department, deletePosts };
      // Last: it serialises event writers until this transaction commits.
      await recordEvent(tx, MEMBER_ERASED, payload, { version: MEMBER_ERASED_VERSION, occurredAt: now });
    });
    this.logger.info({ event: 'account-erased', memberId: member.id, deletePosts }, 'member erased their account');
    return true;
  }
}
