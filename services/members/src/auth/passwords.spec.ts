import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@pdn/errors';
import { checkPasswordPolicy, hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('should hash with argon2id, 19 MiB, 2 passes, and verify', async () => {
    const stored = await hashPassword('un mot de passe solide');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(verifyPassword(stored, 'un mot de passe solide')).resolves.toBe(true);
    await expect(verifyPassword(stored, 'un mot de passe solidE')).resolves.toBe(false);
  });

  it('should answer false, not throw, for a stored value that is not a hash', async () => {
    await expect(verifyPassword('not a hash', 'whatever')).resolves.toBe(false);
    await expect(verifyAgainstDummy('whatever')).resolves.toBe(false);
  });

  it.each([
    ['too short', 'x'.repeat(9)],
    ['too long', 'x'.repeat(257)],
  ])('should refuse a password %s as BAD_USER_INPUT on `password`', (_, password) => {
    expect(() => checkPasswordPolicy(password)).toThrow(DomainError);
    try {
      checkPasswordPolicy(password);
    } catch (error) {
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
      expect((error as Error).message).not.toContain(password);
    }
  });

  it('should count characters, not bytes', () => {
    expect(() => checkPasswordPolicy('é'.repeat(10))).not.toThrow();
    expect(() => checkPasswordPolicy('🔑'.repeat(256))).not.toThrow();
  });
});
