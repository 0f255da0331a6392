import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq, sql } from 'drizzle-orm';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { DomainError } from '@pdn/errors';
import type { Caller, MemberCaller } from '@pdn/identity';
import { emailOutbox, invitations, members, statusChanges } from '../db/members.tables.js';
import { secretTokenHash } from '../auth/secret-tokens.js';
import { createIdentityFixture, type IdentityFixture } from '../auth/testing/identity-fixture.js';
import type { InviteMember } from './invitations.service.js';

const PASSWORD = 'mon mot de passe du réseau';

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const coordinatorOf = (memberId: string, ...departments: string[]): MemberCaller => ({
  kind: 'member',
  memberId,
  role: 'COORDINATOR',
  status: 'ACTIVE',
  departments,
});

describe('InvitationsService', () => {
  let f: IdentityFixture;
  let gersCoordinator: MemberCaller;
  let admin: MemberCaller;
  let bij: { id: string; name: string };
  let count = 0;
  const newEmail = () => `invitee${++count}@pdn32.test`;
  const input = (overrides: Partial<InviteMember> = {}): InviteMember => ({
    email: newEmail(),
    firstName: 'Isabelle',
    lastName: 'Martin',
    role: 'PROMENEUR',
    structureId: bij.id,
    department: '32',
    ...overrides,
  });

  beforeAll(async () => {
    f = await createIdentityFixture();
    bij = await f.createStructure({ name: "BIJ d'Auch", department: '32' });
    const coordinator = await f.createMember({ email: 'coordination@caf32.test', role: 'COORDINATOR', coordinatedDepartments: ['32'] });
    const adminRow = await f.createMember({ email: 'admin@pdn.test', role: 'ADMIN' });
    gersCoordinator = coordinatorOf(coordinator.id, '32');
    admin = { kind: 'member', memberId: adminRow.id, role: 'ADMIN', status: 'ACTIVE', departments: ['32'] };
  });
  afterAll(async () => {
    await f?.dispose();
  });

  describe('inviteMember', () => {
    it('should return the token once, store only its hash and queue a French e-mail carrying it', async () => {
      const email = newEmail();
      const invitation = await f.invitations.invite(gersCoordinator, input({ email: `  ${email.toUpperCase()}` }));

      expect(invitation).toEqual({ id: expect.any(String), email, token: expect.any(String), expiresAt: expect.any(Date) });
      expect(invitation.expiresAt.getTime() - f.clock.now().getTime()).toBe(f.settings.INVITATION_TTL_DAYS * 86_400_000);
      const [row] = await f.db.select().from(invitations).where(eq(invitations.id, invitation.id));
      expect(row).toMatchObject({ email, role: 'PROMENEUR', department: '32', structureId: bij.id, invitedBy: gersCoordinator.memberId });
      expect(row?.tokenHash).toBe(secretTokenHash(invitation.token));
      expect(JSON.stringify(row)).not.toContain(invitation.token);

      const [mail] = await f.db.select().from(emailOutbox).where(eq(emailOutbox.recipient, email));
      expect(mail?.subject).toContain('Promeneurs du Net');
      expect(mail?.body).toContain(invitation.token);
      expect(mail?.body).toContain('Bonjour Isabelle');
      expect(mail?.body).toContain("BIJ d'Auch");
      expect(f.logger.text()).not.toContain(invitation.token);
      expect(f.logger.text()).not.toContain(email);
      expect(f.logger.lines.at(-1)).toMatchObject({ level: 'info', obj: { event: 'invitation-created', invitationId: invitation.id } });
    });

    it('should refuse a coordinator inviting into another département', async () => {
      const error = await failure(f.invitations.invite(coordinatorOf(gersCoordinator.memberId, '31'), input()));
      expect(error.code).toBe('FORBIDDEN');
    });

    it('should refuse an anonymous caller and a suspended coordinator', async () => {
      const anonymous: Caller = { kind: 'anonymous' };
      expect(await failure(f.invitations.invite(anonymous, input()))).toMatchObject({ code: 'UNAUTHENTICATED' });
      const suspended = { ...gersCoordinator, status: 'SUSPENDED' as const };
      expect(await failure(f.invitations.invite(suspended, input()))).toMatchObject({ code: 'FORBIDDEN' });
    });

    it('should let only admins invite an admin', async () => {
      const byCoordinator = await failure(f.invitations.invite(gersCoordinator, input({ role: 'ADMIN', structureId: null })));
      expect(byCoordinator.code).toBe('FORBIDDEN');
      await expect(f.invitations.invite(admin, input({ role: 'ADMIN', structureId: null }))).resolves.toBeDefined();
    });

    it('should let an admin invite in any département', async () => {
      const gard = await f.createStructure({ name: 'Mission locale de Nîmes', department: '30' });
      await expect(f.invitations.invite(admin, input({ department: '30', structureId: gard.id }))).resolves.toBeDefined();
    });

    it('should answer CONFLICT on input.email when a member already uses the address', async () => {
      const error = await failure(f.invitations.invite(gersCoordinator, input({ email: 'COORDINATION@caf32.test' })));
      expect(error).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
    });

    it('should validate the input with field paths', async () => {
      expect(await failure(f.invitations.invite(gersCoordinator, input({ email: 'not-an-email' })))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.email',
      });
      expect(await failure(f.invitations.invite(gersCoordinator, input({ department: '20' })))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.department',
      });
      expect(await failure(f.invitations.invite(gersCoordinator, input({ firstName: '  ' })))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.firstName',
      });
      expect(await failure(f.invitations.invite(gersCoordinator, input({ structureId: null })))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.structureId',
      });
    });

    it('should answer NOT_FOUND for an unknown structure and BAD_USER_INPUT for one in another département', async () => {
      for (const structureId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        expect(await failure(f.invitations.invite(gersCoordinator, input({ structureId })))).toMatchObject({
          code: 'NOT_FOUND',
          field: 'input.structureId',
        });
      }
      const toulouse = await f.createStructure({ name: 'CRIJ Occitanie', department: '31' });
      expect(await failure(f.invitations.invite(gersCoordinator, input({ structureId: toulouse.id })))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.structureId',
      });
    });

    it('should replace a pending invitation to the same address', async () => {
      const email = newEmail();
      const first = await f.invitations.invite(gersCoordinator, input({ email }));
      f.clock.advanceMinutes(5);
      const second = await f.invitations.invite(gersCoordinator, input({ email }));
      const refused = await failure(f.invitations.accept(first.token, PASSWORD));
      expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
      await expect(f.invitations.accept(second.token, PASSWORD)).resolves.toBeDefined();
    });

    it('should leave one pending invitation when two coordinators invite the same person at once', async () => {
      const email = newEmail();
      await Promise.all([f.invitations.invite(gersCoordinator, input({ email })), f.invitations.invite(admin, input({ email }))]);
      const pending = await f.db
        .select()
        .from(invitations)
        .where(sql`${invitations.email} = ${email} and ${invitations.expiresAt} > ${f.clock.now().toISOString()}::timestamptz`);
      expect(pending).toHaveLength(1);
    });
  });

  describe('acceptInvitation', () => {
    it('should create a CANDIDATE promeneur with a first status change, use the invitation and sign the member in', async () => {
      const email = newEmail();
      const invitation = await f.invitations.invite(gersCoordinator, input({ email, firstName: 'Léa', lastName: 'Dupré' }));
      f.clock.advanceDays(2);
      const result = await f.invitations.accept(invitation.token, PASSWORD);

      expect(result.member).toMatchObject({
        email,
        firstName: 'Léa',
        lastName: 'Dupré',
        displayName: "Léa · BIJ d'Auch",
        role: 'PROMENEUR',
        status: 'CANDIDATE',
        department: '32',
        structureId: bij.id,
        coordinatedDepartments: [],
        searchText: "lea dupre lea bij d auch",
        sortKey: 'dupre lea',
      });
      expect(result.member.passwordHash).toMatch(/^\$argon2id\$/);
      const history = await f.db.select().from(statusChanges).where(eq(statusChanges.memberId, result.member.id));
      expect(history).toEqual([
        expect.objectContaining({ fromStatus: null, toStatus: 'CANDIDATE', reason: 'invitation accepted', at: f.clock.now() }),
      ]);
      const [used] = await f.db.select().from(invitations).where(eq(invitations.id, invitation.id));
      expect(used).toMatchObject({ acceptedAt: f.clock.now(), memberId: result.member.id });

      const { payload } = await jwtVerify(result.accessToken, createLocalJWKSet(await f.signer.jwks()), {
        currentDate: f.clock.now(),
      });
      expect(payload).toMatchObject({ sub: result.member.id, role: 'PROMENEUR', status: 'CANDIDATE', departments: ['32'] });
      await expect(f.auth.refresh(result.refreshToken)).resolves.toBeDefined();
      await expect(f.auth.login(email, PASSWORD)).resolves.toMatchObject({ member: { id: result.member.id } });
      expect(f.logger.text()).not.toContain(invitation.token);
      expect(f.logger.text()).not.toContain(PASSWORD);
    });

    it('should make an invited coordinator ACTIVE, coordinating their département', async () => {
      const invitation = await f.invitations.invite(admin, input({ role: 'COORDINATOR', department: '32', structureId: null }));
      const { member } = await f.invitations.accept(invitation.token, PASSWORD);
      expect(member).toMatchObject({ role: 'COORDINATOR', status: 'ACTIVE', coordinatedDepartments: ['32'], displayName: 'Isabelle' });
    });

    it('should refuse an expired invitation', async () => {
      const invitation = await f.invitations.invite(gersCoordinator, input());
      f.clock.advanceDays(f.settings.INVITATION_TTL_DAYS);
      const error = await failure(f.invitations.accept(invitation.token, PASSWORD));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
      expect(error.message).toMatch(/expired/);
    });

    it('should refuse a token used twice with CONFLICT', async () => {
      const invitation = await f.invitations.invite(gersCoordinator, input());
      await f.invitations.accept(invitation.token, PASSWORD);
      const error = await failure(f.invitations.accept(invitation.token, PASSWORD));
      expect(error).toMatchObject({ code: 'CONFLICT', field: 'token' });
    });

    it('should create one member when the same token is accepted twice at once', async () => {
      const invitation = await f.invitations.invite(gersCoordinator, input());
      const outcomes = await Promise.allSettled([
        f.invitations.accept(invitation.token, PASSWORD),
        f.invitations.accept(invitation.token, PASSWORD),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const created = await f.db.select().from(members).where(eq(members.email, invitation.email));
      expect(created).toHaveLength(1);
    });

    it('should refuse an unknown token with BAD_USER_INPUT on token', async () => {
      expect(await failure(f.invitations.accept('no-such-invitation', PASSWORD))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'token',
      });
    });

    it('should refuse a weak password before anything else', async () => {
      const invitation = await f.invitations.invite(gersCoordinator, input());
      expect(await failure(f.invitations.accept(invitation.token, 'short'))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'password',
      });
      await expect(f.invitations.accept(invitation.token, PASSWORD)).resolves.toBeDefined();
    });

    it('should answer CONFLICT when the address got an account meanwhile', async () => {
      const email = newEmail();
      const invitation = await f.invitations.invite(gersCoordinator, input({ email }));
      await f.createMember({ email: email.toUpperCase() });
      const error = await failure(f.invitations.accept(invitation.token, PASSWORD));
      expect(error.code).toBe('CONFLICT');
      const [still] = await f.db.select().from(invitations).where(eq(invitations.id, invitation.id));
      expect(still?.acceptedAt).toBeNull();
    });
  });

  it('should keep the outbox in step with the invitations', async () => {
    const rows = await f.db.select({ n: sql<number>`count(*)::int` }).from(invitations);
    const mails = await f.db.select({ n: sql<number>`count(*)::int` }).from(emailOutbox);
    expect(mails[0]?.n).toBe(rows[0]?.n);
  });
});
