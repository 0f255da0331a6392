import { Inject, Injectable } from '@nestjs/common';
import { badInput, unauthenticated } from '@pdn/errors';
import { CLOCK, MEMBERS_SETTINGS, type Clock } from '../common/tokens.js';
import type { MemberRow } from '../db/members.tables.js';
import type { MembersSettings } from '../members.config.js';
import { AuthRepository, type Executor } from './auth.repository.js';
import { AUTH_LOG, type AuthLogger } from './auth.tokens.js';
import { LoginThrottle } from './login-throttle.js';
import { PASSWORD_MAX_LENGTH, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { newSecretToken, secretTokenHash } from './secret-tokens.js';
import { endSession } from './session-events.js';
import { TokenSigner } from './token-signer.js';

/** What login, refreshSession and acceptInvitation answer: the contract's AuthPayload. */
export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires. */
  expiresAt: Date;
  member: MemberRow;
}

/** Same words for an unknown address, a wrong password and a member who left: no account oracle. */
export const BAD_CREDENTIALS = 'The e-mail address or the password is incorrect.';
const SESSION_ENDED = 'This session has ended: sign in again.';

export const REVOKED_REUSE = 'refresh-token-reuse';
export const REVOKED_LOGOUT = 'logout';
export const REVOKED_MEMBER_LEFT = 'member-left';

const DAY_MS = 86_400_000;

type RefreshOutcome =
  | { kind: 'ok'; member: MemberRow; sessionId: string; refreshToken: string }
  | { kind: 'reused' }
  | { kind: 'refused' };

/** Sign-in, sessions and their rotating refresh tokens. */
@Injectable()
export class AuthService {
  constructor(
    private readonly repository: AuthRepository,
    private readonly throttle: LoginThrottle,
    private readonly signer: TokenSigner,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AUTH_LOG) private readonly logger: AuthLogger,
  ) {}

  async login(emailInput: string, password: string): Promise<AuthResult> {
    const email = emailInput.trim().toLowerCase();
    // Bounded before anything is stored or hashed: the throttle table is keyed by this string.
    if (email.length === 0 || email.length > 254) throw badInput('email', 'This is not a valid e-mail address.');
    // No stored password is longer, and argon2 must not be made to hash megabytes.
    if ([...password].length > PASSWORD_MAX_LENGTH) {
      throw badInput('password', `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`);
    }

    await this.throttle.assertAllowed(email);
    const member = await this.repository.findMemberByEmail(email);
    const passwordMatches = member?.passwordHash
      ? await verifyPassword(member.passwordHash, password)
      : await verifyAgainstDummy(password);
    if (!member || !passwordMatches || member.status === 'LEFT') {
      await this.throttle.recordFailure(email);
      this.logger.info({ event: 'login-failed', memberId: member?.id }, 'sign-in refused');
      throw unauthenticated(BAD_CREDENTIALS);
    }
    await this.throttle.reset(email);
    const { sessionId, refreshToken } = await this.startSession(member);
    this.logger.info({ event: 'login', memberId: member.id, sessionId }, 'member signed in');
    return this.authResult(member, sessionId, refreshToken);
  }

  /**
   * Exchanges a refresh token for a new pair. A token is good once: presenting one that was already
   * exchanged means two parties hold it (one of them a thief), so the whole session is revoked and
   * every token of it, the newest included, stops working.
   */
  async refresh(refreshToken: string): Promise<AuthResult> {
    const tokenHash = secretTokenHash(refreshToken);
    const now = this.clock.now();
    // Every branch returns rather than throws, so that a revocation commits with the transaction.
    const outcome = await this.repository.transaction(async (tx): Promise<RefreshOutcome> => {
      const claimed = await this.repository.claimRefreshToken(tokenHash, now, tx);
      if (!claimed) {
        const known = await this.repository.findRefreshToken(tokenHash, tx);
        if (known?.rotatedAt) {
          const ended = await endSession(tx, known.sessionId, REVOKED_REUSE, now, this.settings.ACCESS_TOKEN_TTL_SECONDS);
          if (ended) {
            this.logger.warn(
              { event: 'refresh-token-reuse', sessionId: known.sessionId, memberId: ended.memberId },
              'a rotated refresh token was presented again: session revoked',
            );
          }
          return { kind: 'reused' };
        }
        return { kind: 'refused' };
      }
      const session = await this.repository.findSession(claimed.sessionId, tx);
      if (!session || session.revokedAt || session.expiresAt <= now) return { kind: 'refused' };
      // Role, status and départements may have changed since the last token: read them again.
      const member = await this.repository.findMemberById(session.memberId, tx);
      if (!member || member.status === 'LEFT') {
        await endSession(tx, session.id, REVOKED_MEMBER_LEFT, now, this.settings.ACCESS_TOKEN_TTL_SECONDS);
        return { kind: 'refused' };
      }
      const next = newSecretToken();
      const expiresAt = this.refreshTokenExpiry(now);
      await this.repository.insertRefreshToken(session.id, secretTokenHash(next), now, expiresAt, tx);
      await this.repository.extendSession(session.id, expiresAt, tx);
      return { kind: 'ok', member, sessionId: session.id, refreshToken: next };
    });
    if (outcome.kind !== 'ok') throw unauthenticated(SESSION_ENDED);
    return this.authResult(outcome.member, outcome.sessionId, outcome.refreshToken);
  }

  /**
   * Ends the token's session, and with it its access tokens on every gateway (session.ended). Always
   * true, whatever the token: logout tells nothing about tokens.
   */
  async logout(refreshToken: string): Promise<true> {
    const known = await this.repository.findRefreshToken(secretTokenHash(refreshToken));
    if (known && (await endSession(this.repository.db, known.sessionId, REVOKED_LOGOUT, this.clock.now(), this.settings.ACCESS_TOKEN_TTL_SECONDS))) {
      this.logger.info({ event: 'logout', sessionId: known.sessionId }, 'session ended');
    }
    return true;
  }

  /** Opens a session with its first refresh token; joins the caller's transaction when given one. */
  async startSession(member: MemberRow, tx?: Executor): Promise<{ sessionId: string; refreshToken: string }> {
    const now = this.clock.now();
    const expiresAt = this.refreshTokenExpiry(now);
    const refreshToken = newSecretToken();
    const open = async (executor: Executor) => {
      const session = await this.repository.createSession(member.id, now, expiresAt, executor);
      await this.repository.insertRefreshToken(session.id, secretTokenHash(refreshToken), now, expiresAt, executor);
      return session.id;
    };
    const sessionId = tx ? await open(tx) : await this.repository.transaction(open);
    return { sessionId, refreshToken };
  }

  /** The AuthPayload of a session just opened or refreshed. */
  async authResult(member: MemberRow, sessionId: string, refreshToken: string): Promise<AuthResult> {
    const { token, expiresAt } = await this.signer.signAccessToken(member, sessionId);
    return { accessToken: token, refreshToken, expiresAt, member };
  }

  private refreshTokenExpiry(now: Date): Date {
    return new Date(now.getTime() + this.settings.REFRESH_TOKEN_TTL_DAYS * DAY_MS);
  }
}
