import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { members, statusChanges } from '../db/members.tables.js';
import { ensureFirstAdmin } from './first-admin.js';
import { createIdentityFixture, type IdentityFixture } from './testing/identity-fixture.js';

const ADMIN = { PDN_ADMIN_EMAIL: 'Admin@PDN32.test', PDN_ADMIN_PASSWORD: 'administrateur du réseau' };

describe('ensureFirstAdmin', () => {
  let f: IdentityFixture;
  beforeAll(async () => {
    f = await createIdentityFixture();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('should do nothing without PDN_ADMIN_EMAIL and PDN_ADMIN_PASSWORD', async () => {
    await expect(ensureFirstAdmin(f.db, {}, f.logger)).resolves.toBe('not-configured');
    await expect(ensureFirstAdmin(f.db, { PDN_ADMIN_EMAIL: 'a@b.test' }, f.logger)).resolves.toBe('not-configured');
  });

  it('should create the first admin once, even when two replicas start together, and let them sign in', async () => {
    const outcomes = await Promise.all([ensureFirstAdmin(f.db, ADMIN, f.logger), ensureFirstAdmin(f.db, ADMIN, f.logger)]);
    expect(outcomes.sort()).toEqual(['created', 'exists']);
    await expect(ensureFirstAdmin(f.db, ADMIN, f.logger)).resolves.toBe('exists');

    const admins = await f.db.select().from(members).where(eq(members.role, 'ADMIN'));
    expect(admins).toHaveLength(1);
    expect(admins[0]).toMatchObject({ email: 'admin@pdn32.test', status: 'ACTIVE', department: '32' });
    const history = await f.db.select().from(statusChanges).where(eq(statusChanges.memberId, admins[0]!.id));
    expect(history).toHaveLength(1);
    await expect(f.auth.login('admin@pdn32.test', ADMIN.PDN_ADMIN_PASSWORD)).resolves.toMatchObject({
      member: { role: 'ADMIN' },
    });
    expect(f.logger.text()).not.toContain(ADMIN.PDN_ADMIN_PASSWORD);
  });

  it('should not create a second admin when one exists under another address', async () => {
    await expect(
      ensureFirstAdmin(f.db, { PDN_ADMIN_EMAIL: 'other@pdn32.test', PDN_ADMIN_PASSWORD: 'another password' }, f.logger),
    ).resolves.toBe('exists');
  });
});

describe('ensureFirstAdmin on an address already used by a member', () => {
  it('should not promote that member, and say so', async () => {
    const f = await createIdentityFixture();
    try {
      await f.createMember({ email: 'admin@pdn32.test', role: 'PROMENEUR' });
      await expect(ensureFirstAdmin(f.db, ADMIN, f.logger)).resolves.toBe('email-taken');
      expect(f.logger.lines.at(-1)).toMatchObject({ level: 'warn' });
      const [member] = await f.db.select().from(members).where(eq(members.email, 'admin@pdn32.test'));
      expect(member?.role).toBe('PROMENEUR');
    } finally {
      await f.dispose();
    }
  });
});
