import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { DomainError } from '@pdn/errors';
import { loginThrottle, members, refreshTokens, sessions } from '../db/members.tables.js';
import { BAD_CREDENTIALS, REVOKED_REUSE, type AuthResult } from './auth.service.js';
import { secretTokenHash } from './secret-tokens.js';
import { createIdentityFixture, type IdentityFixture } from './testing/identity-fixture.js';

const PASSWORD = 'correct horse battery staple';

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('AuthService', () => {
  let f: IdentityFixture;
  let emails = 0;
  const newEmail = () => `promeneur${++emails}@pdn32.test`;

  beforeAll(async () => {
    f = await createIdentityFixture();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  async function verify(result: AuthResult) {
    const jwks = createLocalJWKSet(await f.signer.jwks());
    return jwtVerify(result.accessToken, jwks, {
      issuer: f.settings.JWT_ISSUER,
      audience: f.settings.JWT_AUDIENCE,
      algorithms: ['EdDSA'],
      currentDate: f.clock.now(),
    });
  }

  describe('login', () => {
    it('should sign a member in with an access token that verifies against the JWKS and carries the claims', async () => {
      const email = newEmail();
      const structure = await f.createStructure();
      const member = await f.createMember({
        email,
        password: PASSWORD,
        role: 'COORDINATOR',
        department: '32',
        coordinatedDepartments: ['32', '31', '65'],
        structureId: structure.id,
      });
      const result = await f.auth.login(email, PASSWORD);

      expect(result.member.id).toBe(member.id);
      expect(result.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(result.expiresAt.getTime()).toBe(f.clock.now().getTime() + f.settings.ACCESS_TOKEN_TTL_SECONDS * 1000);
      const { payload, protectedHeader } = await verify(result);
      expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: (await f.keySource.load()).kid });
      expect(payload).toMatchObject({
        sub: member.id,
        role: 'COORDINATOR',
        status: 'ACTIVE',
        departments: ['32', '31', '65'],
        structureId: structure.id,
        iss: 'pdn-members',
        aud: 'pdn-api',
        exp: Math.floor(result.expiresAt.getTime() / 1000),
      });
      const [session] = await f.db.select().from(sessions).where(eq(sessions.id, payload['sid'] as string));
      expect(session?.memberId).toBe(member.id);
    });

    it('should compare the e-mail address case-insensitively', async () => {
      const email = newEmail();
      await f.createMember({ email, password: PASSWORD });
      const result = await f.auth.login(`  ${email.toUpperCase()} `, PASSWORD);
      expect(result.member.email).toBe(email);
    });

    it('should answer a wrong password and an unknown e-mail with the same UNAUTHENTICATED error', async () => {
      const email = newEmail();
      await f.createMember({ email, password: PASSWORD });
      const wrongPassword = await failure(f.auth.login(email, 'not the password at all'));
      const unknownEmail = await failure(f.auth.login('nobody@pdn32.test', PASSWORD));
      for (const error of [wrongPassword, unknownEmail]) {
        expect(error.code).toBe('UNAUTHENTICATED');
        expect(error.message).toBe(BAD_CREDENTIALS);
        expect(error.field).toBeUndefined();
      }
    });

    it('should refuse a member who left, with the same message, and let a suspended member in', async () => {
      const left = newEmail();
      const suspended = newEmail();
      await f.createMember({ email: left, password: PASSWORD, status: 'LEFT' });
      await f.createMember({ email: suspended, password: PASSWORD, status: 'SUSPENDED' });
      const error = await failure(f.auth.login(left, PASSWORD));
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: BAD_CREDENTIALS });
      const { payload } = await verify(await f.auth.login(suspended, PASSWORD));
      expect(payload['status']).toBe('SUSPENDED');
    });

    it('should refuse a member who has no password yet', async () => {
      const email = newEmail();
      await f.createMember({ email });
      expect(await failure(f.auth.login(email, PASSWORD))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('should refuse an absurdly long password as BAD_USER_INPUT on `password`', async () => {
      const error = await failure(f.auth.login(newEmail(), 'x'.repeat(257)));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    });
  });

  describe('throttling', () => {
    it('should lock an address after LOGIN_MAX_FAILURES failures, even for the right password, until the lock ends', async () => {
      const email = newEmail();
      await f.createMember({ email, password: PASSWORD });
      const max = f.settings.LOGIN_MAX_FAILURES;
      for (let i = 0; i < max; i++) {
        expect(await failure(f.auth.login(email, 'wrong password!'))).toMatchObject({ code: 'UNAUTHENTICATED' });
        f.clock.advance(1000);
      }
      const locked = await failure(f.auth.login(email, PASSWORD));
      expect(locked.code).toBe('RATE_LIMITED');
      // Locked at the last failure, one second ago, for LOGIN_LOCK_MINUTES.
      expect(locked.extensions['retryAfterSeconds']).toBe(f.settings.LOGIN_LOCK_MINUTES * 60 - 1);

      f.clock.advanceMinutes(10);
      const stillLocked = await failure(f.auth.login(email.toUpperCase(), PASSWORD));
      expect(stillLocked.code).toBe('RATE_LIMITED');
      expect(stillLocked.extensions['retryAfterSeconds']).toBe((f.settings.LOGIN_LOCK_MINUTES - 10) * 60 - 1);

      f.clock.advanceMinutes(f.settings.LOGIN_LOCK_MINUTES - 10);
      await expect(f.auth.login(email, PASSWORD)).resolves.toMatchObject({ member: { email } });
      const rows = await f.db.select().from(loginThrottle).where(eq(loginThrottle.email, email));
      expect(rows).toEqual([]);
    });

    it('should throttle unknown addresses too, so the lock tells nothing about accounts', async () => {
      const email = newEmail();
      for (let i = 0; i < f.settings.LOGIN_MAX_FAILURES; i++) await failure(f.auth.login(email, PASSWORD));
      expect(await failure(f.auth.login(email, PASSWORD))).toMatchObject({ code: 'RATE_LIMITED' });
    });

    it('should forget failures once the window has passed and after a success', async () => {
      const email = newEmail();
      await f.createMember({ email, password: PASSWORD });
      const max = f.settings.LOGIN_MAX_FAILURES;
      for (let i = 0; i < max - 1; i++) await failure(f.auth.login(email, 'wrong password!'));
      f.clock.advanceMinutes(f.settings.LOGIN_LOCK_MINUTES + 1);
      // A new window: max - 1 more failures do not lock.
      for (let i = 0; i < max - 1; i++) await failure(f.auth.login(email, 'wrong password!'));
      await f.auth.login(email, PASSWORD);
      for (let i = 0; i < max - 1; i++) await failure(f.auth.login(email, 'wrong password!'));
      await expect(f.auth.login(email, PASSWORD)).resolves.toBeDefined();
    });

    it('should count concurrent failures one by one', async () => {
      const email = newEmail();
      await Promise.all(Array.from({ length: 4 }, () => failure(f.auth.login(email, PASSWORD))));
      const [row] = await f.db.select().from(loginThrottle).where(eq(loginThrottle.email, email));
      expect(row?.failures).toBe(4);
    });
  });

  describe('refreshSession', () => {
    it('should rotate the refresh token within the same session', async () => {
      const email = newEmail();
      await f.createMember({ email, password: PASSWORD });
      const first = await f.auth.login(email, PASSWORD);
      f.clock.advanceMinutes(20);
      const second = await f.auth.refresh(first.refreshToken);

      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.expiresAt.getTime()).toBe(f.clock.now().getTime() + f.settings.ACCESS_TOKEN_TTL_SECONDS * 1000);
      // The first access token has expired by now (ACCESS_TOKEN_TTL_SECONDS is 15 minutes).
      await expect(verify(first)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
      const { payload } = await verify(second);
      expect(payload['sid']).toBe(decodeSid(first.accessToken));
      await expect(f.auth.refresh(second.refreshToken)).resolves.toBeDefined();
    });

    it('should revoke the whole session when a rotated token is presented again: the newest token stops working too', async () => {
      const email = newEmail();
      await f.createMember({ email, password: PASSWORD });
      const first = await f.auth.login(email, PASSWORD);
      const second = await f.auth.refresh(first.refreshToken);

      const reuse = await failure(f.auth.refresh(first.refreshToken));
      expect(reuse.code).toBe('UNAUTHENTICATED');
      expect(await failure(f.auth.refresh(second.refreshToken))).toMatchObject({ code: 'UNAUTHENTICATED' });
      const [session] = await f.db.select().from(sessions).where(eq(sessions.id, decodeSid(first.accessToken)));
      expect(session).toMatchObject({ revokedReason: REVOKED_REUSE });
      expect(session?.revokedAt).toEqual(f.clock.now());
    });

    it('should hand a token out once when two refreshes race with it', async () => {
      const email = newEmail();
      await f.createMember({ email, password: PASSWORD });
      const { refreshToken } = await f.auth.login(email, PASSWORD);
      const outcomes = await Promise.allSettled([f.auth.refresh(refreshToken), f.auth.refresh(refreshToken)]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    });

    it('should read the member again: a new role or département shows in the new access token', async () => {
      const email = newEmail();
      const member = await f.createMember({ email, password: PASSWORD });
      const first = await f.auth.login(email, PASSWORD);
      await f.db
        .update(members)
        .set({ role: 'COORDINATOR', coordinatedDepartments: ['32', '82'] })
        .where(eq(members.id, member.id));
      const { payload } = await verify(await f.auth.refresh(first.refreshToken));
      expect(payload).toMatchObject({ role: 'COORDINATOR', departments: ['32', '82'] });
    });

    it('should not refresh the session of a member who has left', async () => {
      const email = newEmail();
      const member = await f.createMember({ email, password: PASSWORD });
      const { refreshToken } = await f.auth.login(email, PASSWORD);
      await f.db.update(members).set({ status: 'LEFT' }).where(eq(members.id, member.id));
      expect(await failure(f.auth.refresh(refreshToken))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('should refuse an expired refresh token', async () => {
      const email = newEmail();
      await f.createMember({ email, password: PASSWORD });
      const { refreshToken } = await f.auth.login(email, PASSWORD);
      f.clock.advanceDays(f.settings.REFRESH_TOKEN_TTL_DAYS);
      expect(await failure(f.auth.refresh(refreshToken))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('should keep a session in use alive past the first token lifetime', async () => {
      const email = newEmail();
      await f.createMember({ email, password: PASSWORD });
      let { refreshToken } = await f.auth.login(email, PASSWORD);
      for (let i = 0; i < 3; i++) {
        f.clock.advanceDays(f.settings.REFRESH_TOKEN_TTL_DAYS - 1);
        ({ refreshToken } = await f.auth.refresh(refreshToken));
      }
    });

    it('should refuse an unknown token', async () => {
      expect(await failure(f.auth.refresh('not-a-token'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });

  describe('logout', () => {
    it('should end the session and answer true, also when called again or with an unknown token', async () => {
      const email = newEmail();
      await f.createMember({ email, password: PASSWORD });
      const first = await f.auth.login(email, PASSWORD);
      const second = await f.auth.refresh(first.refreshToken);

      await expect(f.auth.logout(second.refreshToken)).resolves.toBe(true);
      expect(await failure(f.auth.refresh(second.refreshToken))).toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(f.auth.logout(second.refreshToken)).resolves.toBe(true);
      await expect(f.auth.logout('never-issued')).resolves.toBe(true);
      const [session] = await f.db.select().from(sessions).where(eq(sessions.id, decodeSid(first.accessToken)));
      expect(session?.revokedReason).toBe('logout');
    });

    it('should end only that session', async () => {
      const email = newEmail();
      await f.createMember({ email, password: PASSWORD });
      const phone = await f.auth.login(email, PASSWORD);
      const laptop = await f.auth.login(email, PASSWORD);
      await f.auth.logout(phone.refreshToken);
      await expect(f.auth.refresh(laptop.refreshToken)).resolves.toBeDefined();
    });
  });

  it('should store refresh tokens only as SHA-256 and log no secret', async () => {
    const email = newEmail();
    await f.createMember({ email, password: PASSWORD });
    const result = await f.auth.login(email, PASSWORD);
    await f.auth.refresh(result.refreshToken);
    await failure(f.auth.refresh(result.refreshToken));
    const stored = await f.db.select().from(refreshTokens);
    expect(JSON.stringify(stored)).not.toContain(result.refreshToken);
    expect(stored.map((row) => row.tokenHash)).toContain(secretTokenHash(result.refreshToken));
    const logged = f.logger.text();
    for (const secret of [PASSWORD, result.refreshToken, secretTokenHash(result.refreshToken), result.accessToken]) {
      expect(logged).not.toContain(secret);
    }
  });
});

function decodeSid(accessToken: string): string {
  decodeProtectedHeader(accessToken);
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string };
  return payload.sid;
}
