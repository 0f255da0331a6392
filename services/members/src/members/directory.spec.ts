import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { MemberStatus, SocialNetwork, StructureKind, Theme } from '@pdn/domain';
import { DomainError } from '@pdn/errors';
import { membersSchema, type MemberRow, type MembersSchema, type StructureRow } from '../db/members.tables.js';
import { MEMBERS_MIGRATIONS } from '../members-app.js';
import { loadMembersSettings } from '../members.config.js';
import { StructuresRepository } from '../structures/structures.repository.js';
import { StructuresService } from '../structures/structures.service.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';
import { anonymous, callerFor, insertMember, insertStructure } from '../../test/members-fixtures.js';

// Medium tier: the directory's services against a real database (PostgreSQL when TEST_DATABASE_URL is set).
describe('the directory', () => {
  let testDb: TestDatabase<MembersSchema>;
  let service: MembersService;
  let structuresService: StructuresService;
  let bij: StructureRow;
  let isle: StructureRow;
  let candidate: MemberRow;
  let coordinator: MemberRow;
  let otherCoordinator: MemberRow;
  let promeneur: MemberRow;
  const now = new Date('2026-11-26T10:00:00Z');

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'members', migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema });
    const database = testDb.database;
    const structuresRepository = new StructuresRepository(database);
    service = new MembersService(new MembersRepository(database), structuresRepository, loadMembersSettings({}), { now: () => now });
    structuresService = new StructuresService(structuresRepository);
    bij = await insertStructure(database, { name: "BIJ d'Auch", commune: 'Auch', kind: 'YOUTH_INFORMATION' });
    isle = await insertStructure(database, { name: 'Centre social', commune: "L'Isle-Jourdain", kind: 'SOCIAL_CENTER' });
    await insertStructure(database, { name: 'Mission locale', commune: 'Toulouse', department: '31', kind: 'LOCAL_MISSION' });
    await insertMember(database, { firstName: 'Nérée', lastName: 'Dupré', themes: ['HEALTH'], channels: [{ network: 'INSTAGRAM', handle: '@neree.bij', url: null }], phone: '+33562000000' }, bij);
    promeneur = await insertMember(database, { firstName: 'Paul', lastName: 'Armagnac', themes: ['SPORT'], channels: [{ network: 'SNAPCHAT', handle: 'paul.cs32', url: null }] }, isle);
    candidate = await insertMember(database, { firstName: 'Camille', lastName: 'Candidate', status: 'CANDIDATE' }, isle);
    coordinator = await insertMember(database, { firstName: 'Claire', lastName: 'Caf', role: 'COORDINATOR', coordinatedDepartments: ['32'] });
    otherCoordinator = await insertMember(database, { firstName: 'Henri', lastName: 'Garonne', role: 'COORDINATOR', department: '31', coordinatedDepartments: ['31'] });
    for (let i = 0; i < 25; i++) await insertMember(database, { firstName: `Membre${String(i).padStart(2, '0')}`, lastName: 'Lot', department: '46' });
  });

  afterAll(() => testDb.dispose());

  const names = (c: { edges: { node: MemberRow }[] }) => c.edges.map((e) => e.node.firstName);

  it('should find "Nérée" when searching "neree", whatever the case and accents', async () => {
    expect(names(await service.list(anonymous, { search: 'neree' }))).toEqual(['Nérée']);
    expect(names(await service.list(anonymous, { search: 'NÉRÉE dupre' }))).toEqual(['Nérée']);
  });

  it('should find members of "L\'Isle-Jourdain" when searching "isle jourdain", by structure commune', async () => {
    expect(names(await service.list(anonymous, { search: 'isle jourdain' }))).toEqual(['Paul']);
    const found = await structuresService.list(anonymous, { search: 'isle jourdain' });
    expect(found.edges.map((e) => e.node.id)).toEqual([isle.id]);
  });

  it('should rank a member matching more words first', async () => {
    const result = await service.list(anonymous, { search: 'auch' });
    expect(names(result)[0]).toBe('Nérée');
  });

  it('should list only ACTIVE members to anonymous callers and other members, even when they ask for more', async () => {
    const anonymousList = names(await service.list(anonymous, { department: '32', statuses: [MemberStatus.CANDIDATE, MemberStatus.ACTIVE] }));
    expect(anonymousList).not.toContain('Camille');
    expect(names(await service.list(callerFor(promeneur), { department: '32', statuses: [MemberStatus.CANDIDATE] }))).toEqual([]);
    expect(await service.get(anonymous, candidate.id)).toBeNull();
  });

  it('should list promeneurs only to the public, and coordinators too to the network', async () => {
    expect(names(await service.list(anonymous, { department: '32' }))).not.toContain('Claire');
    expect(await service.get(anonymous, coordinator.id)).toBeNull();
    expect(names(await service.list(callerFor(promeneur), { department: '32' }))).toContain('Claire');
  });

  it('should show candidates to the coordinators of their département only', async () => {
    expect(names(await service.list(callerFor(coordinator), { department: '32', statuses: [MemberStatus.CANDIDATE] }))).toEqual(['Camille']);
    expect(names(await service.list(callerFor(otherCoordinator), { department: '32', statuses: [MemberStatus.CANDIDATE] }))).toEqual([]);
    expect((await service.get(callerFor(coordinator), candidate.id))?.id).toBe(candidate.id);
  });

  it('should apply every filter of the contract', async () => {
    expect(names(await service.list(anonymous, { themes: [Theme.HEALTH, Theme.CULTURE] }))).toEqual(['Nérée']);
    expect(names(await service.list(anonymous, { networks: [SocialNetwork.SNAPCHAT] }))).toEqual(['Paul']);
    expect(names(await service.list(anonymous, { structureId: bij.id }))).toEqual(['Nérée']);
    expect(names(await service.list(anonymous, { structureKinds: [StructureKind.SOCIAL_CENTER] }))).toEqual(['Paul']);
    expect((await service.list(anonymous, { department: '46' })).totalCount).toBe(25);
  });

  it('should page with stable keyset cursors and a total count', async () => {
    const first = await service.list(anonymous, { department: '46' }, 10);
    const second = await service.list(anonymous, { department: '46' }, 10, first.pageInfo.endCursor);
    const third = await service.list(anonymous, { department: '46' }, 10, second.pageInfo.endCursor);
    const all = [...names(first), ...names(second), ...names(third)];
    expect(all).toHaveLength(25);
    expect(new Set(all).size).toBe(25);
    expect(all).toEqual([...all].sort());
    expect(third.pageInfo.hasNextPage).toBe(false);
    expect(first.totalCount).toBe(25);
  });

  it('should refuse a page larger than 100 and a foreign cursor with BAD_USER_INPUT', async () => {
    await expect(service.list(anonymous, {}, 101)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const searchPage = await service.list(anonymous, { search: 'membre' }, 2);
    await expect(service.list(anonymous, {}, 2, searchPage.pageInfo.endCursor)).rejects.toBeInstanceOf(DomainError);
  });

  it('should page search results by rank without repeating anyone', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: Awaited<ReturnType<MembersService['list']>> = await service.list(anonymous, { search: 'membre lot' }, 7, after);
      seen.push(...names(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  describe('status workflow', () => {
    it('should refuse to make a candidate ACTIVE before the current charter is accepted', async () => {
      await expect(service.setStatus(callerFor(coordinator), candidate.id, 'ACTIVE', 'validated')).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('should refuse another version of the charter', async () => {
      await expect(service.acceptCharter(callerFor(candidate), '1999')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'version' });
    });

    it('should activate once the charter is accepted and record who did it', async () => {
      await service.acceptCharter(callerFor(candidate), '2024-1');
      const active = await service.setStatus(callerFor(coordinator), candidate.id, 'ACTIVE', 'labellisé en comité');
      expect(active.status).toBe('ACTIVE');
      // Who may read the history is the schema's rule: see test/members-visibility.spec.ts.
      const history = await service.statusHistory(active);
      expect(history.at(-1)).toMatchObject({ fromStatus: 'CANDIDATE', toStatus: 'ACTIVE', byMemberId: coordinator.id, reason: 'labellisé en comité' });
    });

    it('should require a reason to suspend', async () => {
      await expect(service.setStatus(callerFor(coordinator), promeneur.id, 'SUSPENDED', '  ')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    });

    it('should not let a coordinator act outside their départements', async () => {
      await expect(service.setStatus(callerFor(otherCoordinator), promeneur.id, 'SUSPENDED', 'inactive')).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(structuresService.update(callerFor(otherCoordinator), bij.id, { name: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  describe('profile', () => {
    it('should normalise the phone number and refuse a bad one naming the field', async () => {
      const updated = await service.updateMyProfile(callerFor(promeneur), { phone: '05 62 61 00 00' });
      expect(updated.phone).toBe('+33562610000');
      await expect(service.updateMyProfile(callerFor(promeneur), { phone: '12' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.phone' });
    });

    it('should refuse a weekly commitment outside 2–35 hours and bad handles', async () => {
      await expect(service.updateMyProfile(callerFor(promeneur), { weeklyHoursCommitment: 1 })).rejects.toMatchObject({ field: 'input.weeklyHoursCommitment' });
      await expect(
        service.updateMyProfile(callerFor(promeneur), { channels: [{ network: SocialNetwork.INSTAGRAM, handle: 'not a handle!' }] }),
      ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.channels.0.handle' });
      await expect(
        service.updateMyProfile(callerFor(promeneur), { channels: [{ network: SocialNetwork.INSTAGRAM, handle: '@paul.cs32', url: 'javascript:alert(1)' }] }),
      ).rejects.toMatchObject({ field: 'input.channels.0.url' });
    });

    it('should leave the data as it was when an update is refused', async () => {
      const before = await service.get(callerFor(promeneur), promeneur.id);
      await expect(service.updateMyProfile(callerFor(promeneur), { firstName: 'Pauline', weeklyHoursCommitment: 99 })).rejects.toBeInstanceOf(DomainError);
      expect((await service.get(callerFor(promeneur), promeneur.id))?.firstName).toBe(before?.firstName);
    });

    it('should derive the display name again when the first name changes', async () => {
      const updated = await service.updateMyProfile(callerFor(promeneur), { firstName: 'Pauline' });
      expect(updated.displayName).toBe('Pauline · Centre social');
      expect(names(await service.list(anonymous, { search: 'pauline' }))).toEqual(['Pauline']);
    });
  });
});
