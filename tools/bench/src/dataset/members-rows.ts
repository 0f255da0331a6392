import { normalizeForSearch } from '@pdn/database';
import { members, statusChanges, structures, type StoredChannel } from '@pdn/members/db';
import { inBatches, tableJob, type TableJob } from './bulk-insert.js';
import { DAY_MS, ID_TAGS, structureAddress, type Network, type PlannedMember } from './network.js';
import { BENCH_PASSWORD_HASH, CHARTER_VERSION } from './password.js';
import { idFactory, Random } from './random.js';
import { LEAVING_REASONS, SUSPENSION_REASONS, type SocialNetworkName } from './vocabulary.js';

/** The members subgraph's rows: structures, members and every member's labelling history. */
export function membersJobs(seed: number, network: Network): TableJob[] {
  const histories = network.members.map((member) => historyOf(member));
  return [
    tableJob(structures, network.structures.length, () => inBatches(structureRows(seed, network))),
    tableJob(members, network.members.length, () => inBatches(memberRows(seed, network))),
    tableJob(statusChanges, histories.reduce((sum, steps) => sum + steps.length, 0), () =>
      inBatches(statusChangeRows(seed, network, histories)),
    ),
  ];
}

function* structureRows(seed: number, network: Network): Iterable<typeof structures.$inferInsert> {
  const random = Random.derived(seed, 'structure-rows');
  for (const structure of network.structures) {
    const createdAt = new Date(network.referenceDate.getTime() - random.int(400, 3_000) * DAY_MS);
    const slug = `s${structure.index + 1}`;
    yield {
      id: structure.id,
      name: structure.name,
      kind: structure.kind,
      ...structureAddress(structure, random),
      commune: structure.commune,
      inseeCode: null,
      department: structure.department.code,
      email: `contact@${slug}.${structure.department.code.toLowerCase()}.structures.bench.pdn.test`,
      // 05 36 49 xx xx: a range ARCEP keeps for fiction.
      phone: `05 36 49 ${pad2(random.int(0, 99))} ${pad2(random.int(0, 99))}`,
      website: random.chance(0.6) ? `https://${slug}.structures.bench.pdn.test` : null,
      channels: [channelOf(random.pick(['FACEBOOK', 'INSTAGRAM'] as const), `${slug}.pdn${structure.department.code.toLowerCase()}`)],
      createdAt,
      updatedAt: createdAt,
    };
  }
}

function* memberRows(seed: number, network: Network): Iterable<typeof members.$inferInsert> {
  const random = Random.derived(seed, 'member-rows');
  for (const member of network.members) {
    const handle = `${normalizeForSearch(member.firstName).replaceAll(' ', '')}.pdn${member.department.code.toLowerCase()}.${member.index + 1}`;
    const updatedAt = member.leftAt ?? member.validatedAt ?? member.createdAt;
    yield {
      id: member.id,
      email: member.email,
      passwordHash: BENCH_PASSWORD_HASH,
      firstName: member.firstName,
      lastName: member.lastName,
      displayName: member.displayName,
      // 06 39 98 xx xx: a range ARCEP keeps for fiction.
      phone: random.chance(0.6) ? `06 39 98 ${pad2(random.int(0, 99))} ${pad2(random.int(0, 99))}` : null,
      role: member.role,
      status: member.status,
      jobTitle: member.jobTitle,
      structureId: member.structure?.id ?? null,
      department: member.department.code,
      coordinatedDepartments: member.role === 'COORDINATOR' ? [member.department.code] : [],
      themes: member.themes,
      audiences: random.chance(0.3) ? ['YOUTH', 'PARENTS'] : ['YOUTH'],
      channels: member.networks.map((network) => channelOf(network, handle)),
      weeklyHoursCommitment: member.weeklyHoursCommitment,
      charterVersion: member.charterAcceptedAt ? CHARTER_VERSION : null,
      charterAcceptedAt: member.charterAcceptedAt,
      // As members' memberSearchColumns computes them.
      searchText: normalizeForSearch([member.firstName, member.lastName, member.displayName, member.jobTitle].join(' ')),
      sortKey: normalizeForSearch(`${member.lastName} ${member.firstName}`),
      erasedAt: null,
      createdAt: member.createdAt,
      updatedAt,
    };
  }
}

interface HistoryStep {
  from: string | null;
  to: string;
  reason: string;
  at: Date;
  /** Whose action it was: the member themself (invitation accepted) or a coordinator. */
  bySelf: boolean;
}

/** The labelling workflow each member went through: invitation accepted → validated → suspended or left. */
function historyOf(member: PlannedMember): HistoryStep[] {
  if (member.role === 'COORDINATOR') {
    return [{ from: null, to: 'ACTIVE', reason: 'invitation accepted', at: member.createdAt, bySelf: true }];
  }
  const steps: HistoryStep[] = [{ from: null, to: 'CANDIDATE', reason: 'invitation accepted', at: member.createdAt, bySelf: true }];
  if (member.validatedAt) steps.push({ from: 'CANDIDATE', to: 'ACTIVE', reason: 'validated', at: member.validatedAt, bySelf: false });
  if (member.leftAt) {
    const reasons = member.status === 'SUSPENDED' ? SUSPENSION_REASONS : LEAVING_REASONS;
    steps.push({ from: 'ACTIVE', to: member.status, reason: reasons[member.index % reasons.length]!, at: member.leftAt, bySelf: false });
  }
  return steps;
}

function* statusChangeRows(seed: number, network: Network, histories: HistoryStep[][]): Iterable<typeof statusChanges.$inferInsert> {
  const id = idFactory(seed, ID_TAGS.statusChange);
  let index = 0;
  for (const member of network.members) {
    const coordinator = member.department.coordinators[member.index % member.department.coordinators.length];
    for (const step of histories[member.index]!) {
      yield {
        id: id(index++),
        memberId: member.id,
        fromStatus: step.from,
        toStatus: step.to,
        reason: step.reason,
        byMemberId: step.bySelf ? member.id : (coordinator?.id ?? null),
        at: step.at,
      };
    }
  }
}

function channelOf(network: SocialNetworkName, handle: string): StoredChannel {
  // Handles in each network's usual form; no URL: a made-up handle may belong to a real stranger.
  const shown = network === 'INSTAGRAM' || network === 'TIKTOK' || network === 'X' ? `@${handle}` : handle;
  return { network, handle: shown, url: null };
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
