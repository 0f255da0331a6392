import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AcceptCharterDocument,
  AcceptInvitationDocument,
  CreateStructureDocument,
  InviteMemberDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  MemberDocument,
  PdnClient,
  PublicDirectoryDocument,
  RefreshSessionDocument,
  type Role,
  SetMemberStatusDocument,
  UpdateMyProfileDocument,
  UpdateStructureDocument,
  type PdnResult,
} from '@pdn/client';
import { ADMIN, startSystem, type RunningSystem } from './system.js';

const codeOf = (result: PdnResult<unknown>) => result.errors?.[0]?.extensions?.['code'];

// The first useful slice, end to end: the directory and sign-in through the gateway, driven by the
// typed client as partner applications and the promeneur app would.
describe('directory and sign-in through the gateway', () => {
  let system: RunningSystem;
  let admin: PdnClient;
  let coordinator: PdnClient;
  let promeneur: PdnClient;
  let promeneurId: string;
  let structureId: string;

  async function login(email: string, password: string) {
    const result = await system.anonymous.request(LoginDocument, { email, password });
    expect(result.errors).toBeUndefined();
    return result.data!.login;
  }

  async function invite(by: PdnClient, email: string, role: Role, [firstName, lastName] = ['Isabelle', 'Laffargue']) {
    const invited = await by.request(InviteMemberDocument, {
      input: { email, firstName, lastName, role, structureId, department: '32' },
    });
    expect(invited.errors).toBeUndefined();
    return invited.data!.inviteMember;
  }

  beforeAll(async () => {
    system = await startSystem();
    admin = system.anonymous.withToken((await login(ADMIN.email, ADMIN.password)).accessToken);
    const structure = await admin.request(CreateStructureDocument, {
      input: { name: "BIJ d'Auch", kind: 'YOUTH_INFORMATION', commune: 'Auch', department: '32', postalCode: '32000', inseeCode: '32013', phone: '05 62 61 21 21' },
    });
    expect(structure.errors).toBeUndefined();
    structureId = structure.data!.createStructure.id;

    const coordinatorInvitation = await invite(admin, 'coordination@caf32.test', 'COORDINATOR', ['Claire', 'Dubosc']);
    const accepted = await system.anonymous.request(AcceptInvitationDocument, { token: coordinatorInvitation.token, password: 'coordination-2026' });
    expect(accepted.errors).toBeUndefined();
    coordinator = system.anonymous.withToken(accepted.data!.acceptInvitation.accessToken);
  });

  afterAll(() => system?.close());

  it('should let a coordinator invite a promeneur, who accepts, signs in and is a CANDIDATE', async () => {
    const invitation = await invite(coordinator, 'isabelle@bij-auch.test', 'PROMENEUR');
    expect(invitation.token).toEqual(expect.any(String));
    const accepted = await system.anonymous.request(AcceptInvitationDocument, { token: invitation.token, password: 'promeneuse-2026' });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.acceptInvitation.member).toMatchObject({ status: 'CANDIDATE', email: 'isabelle@bij-auch.test', lastName: 'Laffargue' });
    promeneurId = accepted.data!.acceptInvitation.member.id;

    const session = await login('Isabelle@BIJ-Auch.test', 'promeneuse-2026');
    promeneur = system.anonymous.withToken(session.accessToken);
    const me = await promeneur.request(MeDocument);
    expect(me.data?.me).toMatchObject({ id: promeneurId, role: 'PROMENEUR', department: '32', structure: { name: "BIJ d'Auch" } });
    expect(me.data?.me?.statusHistory.map((s) => s.to)).toEqual(['CANDIDATE']);
  });

  it('should refuse to reuse an invitation token', async () => {
    const invitation = await invite(coordinator, 'paul@cs-isle.test', 'PROMENEUR', ['Paul', 'Armagnac']);
    await system.anonymous.request(AcceptInvitationDocument, { token: invitation.token, password: 'promeneur-2026' });
    const again = await system.anonymous.request(AcceptInvitationDocument, { token: invitation.token, password: 'promeneur-2026' });
    expect(codeOf(again)).toBe('CONFLICT');
  });

  it('should update the profile and validate every field with BAD_USER_INPUT naming it', async () => {
    const updated = await promeneur.request(UpdateMyProfileDocument, {
      input: {
        jobTitle: 'Informatrice jeunesse',
        phone: '06 12 34 56 78',
        themes: ['ORIENTATION', 'HOUSING'],
        channels: [{ network: 'INSTAGRAM', handle: '@isabelle.bij.auch' }],
        weeklyHoursCommitment: 3,
      },
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateMyProfile).toMatchObject({ phone: '+33612345678', jobTitle: 'Informatrice jeunesse', weeklyHoursCommitment: 3 });

    const cases: [Record<string, unknown>, string][] = [
      [{ phone: '123' }, 'input.phone'],
      [{ weeklyHoursCommitment: 40 }, 'input.weeklyHoursCommitment'],
      [{ channels: [{ network: 'TIKTOK', handle: 'has spaces in it' }] }, 'input.channels.0.handle'],
      [{ channels: [{ network: 'INSTAGRAM', handle: 'ok.handle', url: 'ftp://example.org' }] }, 'input.channels.0.url'],
      [{ firstName: '   ' }, 'input.firstName'],
    ];
    for (const [input, field] of cases) {
      const refused = await promeneur.request(UpdateMyProfileDocument, { input });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const me = await promeneur.request(MeDocument);
    expect(me.data?.me).toMatchObject({ phone: '+33612345678', weeklyHoursCommitment: 3 });
  });

  it('should activate a promeneur only after the charter is accepted', async () => {
    const early = await coordinator.request(SetMemberStatusDocument, { id: promeneurId, status: 'ACTIVE', reason: 'comité du 12' });
    expect(codeOf(early)).toBe('CONFLICT');
    expect((await promeneur.request(AcceptCharterDocument, { version: '2024-1' })).errors).toBeUndefined();
    const active = await coordinator.request(SetMemberStatusDocument, { id: promeneurId, status: 'ACTIVE', reason: 'comité du 12' });
    expect(active.errors).toBeUndefined();
    expect(active.data!.setMemberStatus.statusHistory.at(-1)).toMatchObject({ from: 'CANDIDATE', to: 'ACTIVE', reason: 'comité du 12' });
  });

  it('should show anonymous callers the public directory without contact details', async () => {
    const directory = await system.anonymous.request(PublicDirectoryDocument, { filter: { department: '32', search: 'isabelle auch' } });
    expect(directory.errors).toBeUndefined();
    const nodes = directory.data!.members.edges.map((e) => e.node);
    expect(nodes.map((n) => n.id)).toEqual([promeneurId]);
    expect(nodes[0]).toMatchObject({ jobTitle: 'Informatrice jeunesse', structure: { name: "BIJ d'Auch", commune: 'Auch' } });

    const seenAnonymously = await system.anonymous.request(MemberDocument, { id: promeneurId });
    expect(seenAnonymously.data?.member).toMatchObject({ firstName: 'Isabelle', lastName: null, email: null, phone: null, statusHistory: [] });
    const seenByNetwork = await coordinator.request(MemberDocument, { id: promeneurId });
    expect(seenByNetwork.data?.member).toMatchObject({ lastName: 'Laffargue', email: 'isabelle@bij-auch.test', phone: '+33612345678' });
  });

  it('should refuse what a caller may not do with the right code', async () => {
    // anonymous → UNAUTHENTICATED
    expect(codeOf(await system.anonymous.request(UpdateMyProfileDocument, { input: { jobTitle: 'x' } }))).toBe('UNAUTHENTICATED');
    // a bad token → UNAUTHENTICATED, not anonymous data
    const forged = await system.anonymous.withToken('not.a.token').request(MeDocument);
    expect(codeOf(forged)).toBe('UNAUTHENTICATED');
    expect(forged.status).toBe(401);
    // a promeneur is not a coordinator → FORBIDDEN
    const byPromeneur = await promeneur.request(CreateStructureDocument, { input: { name: 'X', kind: 'OTHER', commune: 'Auch', department: '32' } });
    expect(codeOf(byPromeneur)).toBe('FORBIDDEN');
    // a coordinator of the Gers acts in the Gers only → FORBIDDEN
    const elsewhere = await coordinator.request(CreateStructureDocument, { input: { name: 'Mission locale', kind: 'LOCAL_MISSION', commune: 'Toulouse', department: '31' } });
    expect(codeOf(elsewhere)).toBe('FORBIDDEN');
    // an unknown structure → NOT_FOUND
    const missing = await coordinator.request(UpdateStructureDocument, { id: '00000000-0000-4000-8000-000000000000', input: { name: 'Y' } });
    expect(codeOf(missing)).toBe('NOT_FOUND');
    // a département code that does not exist → BAD_USER_INPUT naming the field
    const badDepartment = await admin.request(CreateStructureDocument, { input: { name: 'Z', kind: 'OTHER', commune: 'Nulle part', department: '99' } });
    expect(badDepartment.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.department' });
    // an e-mail already used → CONFLICT
    const duplicate = await coordinator.request(InviteMemberDocument, {
      input: { email: 'ISABELLE@bij-auch.test', firstName: 'I', lastName: 'L', role: 'PROMENEUR', structureId, department: '32' },
    });
    expect(codeOf(duplicate)).toBe('CONFLICT');
    // a coordinator cannot invite an admin
    const adminInvite = await coordinator.request(InviteMemberDocument, {
      input: { email: 'boss@pdn.test', firstName: 'B', lastName: 'C', role: 'ADMIN', structureId, department: '32' },
    });
    expect(codeOf(adminInvite)).toBe('FORBIDDEN');
    // a page too large → BAD_USER_INPUT
    const tooMany = await system.anonymous.request(PublicDirectoryDocument, { first: 101 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('should throttle repeated failed sign-ins with RATE_LIMITED and retryAfterSeconds', async () => {
    for (let i = 0; i < 3; i++) {
      expect(codeOf(await system.anonymous.request(LoginDocument, { email: 'paul@cs-isle.test', password: 'wrong-password' }))).toBe('UNAUTHENTICATED');
    }
    // even the right password is refused while the lock lasts (its end is tested with a moved clock in auth.service.spec)
    const locked = await system.anonymous.request(LoginDocument, { email: 'paul@cs-isle.test', password: 'promeneur-2026' });
    expect(locked.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(locked.errors?.[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
  });

  it('should rotate refresh tokens and revoke the session when a rotated one is reused', async () => {
    const first = await login('isabelle@bij-auch.test', 'promeneuse-2026');
    const rotated = await system.anonymous.request(RefreshSessionDocument, { refreshToken: first.refreshToken });
    expect(rotated.errors).toBeUndefined();
    const second = rotated.data!.refreshSession;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.member.status).toBe('ACTIVE');

    const reused = await system.anonymous.request(RefreshSessionDocument, { refreshToken: first.refreshToken });
    expect(codeOf(reused)).toBe('UNAUTHENTICATED');
    // the whole session is gone: the newest token no longer works either
    expect(codeOf(await system.anonymous.request(RefreshSessionDocument, { refreshToken: second.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('should end a session on logout', async () => {
    const session = await login('isabelle@bij-auch.test', 'promeneuse-2026');
    expect((await system.anonymous.request(LogoutDocument, { refreshToken: session.refreshToken })).data?.logout).toBe(true);
    expect(codeOf(await system.anonymous.request(RefreshSessionDocument, { refreshToken: session.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('should answer SERVICE_UNAVAILABLE while the members subgraph is down, and recover when it is back', async () => {
    await system.members.stop();
    const down = await system.anonymous.request(PublicDirectoryDocument, { first: 5 });
    expect(down.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'members' });
    expect(JSON.stringify(down.errors)).not.toMatch(/ECONNREFUSED|stack|at .*\.js/);

    await system.members.run();
    const back = await system.anonymous.request(PublicDirectoryDocument, { first: 5 });
    expect(back.errors).toBeUndefined();
    expect(back.data!.members.totalCount).toBeGreaterThan(0);
  });
});
