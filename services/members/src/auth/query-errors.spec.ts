import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthRepository } from './auth.repository.js';
import { isUniqueViolation } from './query-errors.js';
import { secretTokenHash } from './secret-tokens.js';
import { createIdentityFixture, type IdentityFixture } from './testing/identity-fixture.js';

describe('database errors of the identity queries', () => {
  let f: IdentityFixture;
  beforeAll(async () => {
    f = await createIdentityFixture();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('should keep the SQLSTATE but not the parameters (token hashes) of a failed query', async () => {
    const repository = new AuthRepository(f.testDatabase.database);
    const member = await f.createMember({ email: 'errors@pdn32.test' });
    const now = f.clock.now();
    const session = await repository.createSession(member.id, now, now);
    const hash = secretTokenHash('a refresh token');
    await repository.insertRefreshToken(session.id, hash, now, now);
    const error = await repository.insertRefreshToken(session.id, hash, now, now).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(isUniqueViolation(error)).toBe(true);
    expect(error!.message).toMatch(/refresh_tokens_hash_key/);
    expect(`${error!.message} ${error!.stack}`).not.toContain(hash);
  });
});
