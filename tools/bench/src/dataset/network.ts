import { normalizeForSearch } from '@pdn/database';
import { apportion, idFactory, Random } from './random.js';
import type { DatasetTargets } from './scale.js';
import {
  COORDINATOR_JOB_TITLES,
  DEPARTMENTS,
  FIRST_NAMES,
  JOB_TITLES,
  LAST_NAMES,
  NETWORK_SIZE,
  NETWORK_WEIGHTS,
  postalCodeOf,
  QUARTERS,
  STREETS,
  STRUCTURE_KINDS,
  STRUCTURE_NAME_STEMS,
  THEMES,
  type Department,
  type SocialNetworkName,
  type StructureKindName,
  type ThemeName,
} from './vocabulary.js';

/**
 * The network every subgraph's rows refer to, planned in memory before anything is written:
 * départements, structures and members with their ids, roles and labelling states. Calendar and
 * feed draw their registrants, authors and coordinators from here, so every member or structure id
 * they store exists in members.
 */
export interface Network {
  referenceDate: Date;
  departments: PlannedDepartment[];
  structures: PlannedStructure[];
  members: PlannedMember[];
}

export interface PlannedDepartment extends Department {
  index: number;
  structures: PlannedStructure[];
  members: PlannedMember[];
  coordinators: PlannedMember[];
  /** ACTIVE promeneurs: they keep permanences and log presence. */
  activePromeneurs: PlannedMember[];
  /** ACTIVE or CANDIDATE promeneurs: they register to events. */
  registrants: PlannedMember[];
  /** ACTIVE members, promeneurs and coordinators: they publish, comment, react and acknowledge. */
  activeMembers: PlannedMember[];
}

export interface PlannedStructure {
  id: string;
  index: number;
  department: PlannedDepartment;
  name: string;
  kind: StructureKindName;
  commune: string;
}

export type PlannedStatus = 'CANDIDATE' | 'ACTIVE' | 'SUSPENDED' | 'LEFT';

export interface PlannedMember {
  id: string;
  index: number;
  department: PlannedDepartment;
  role: 'PROMENEUR' | 'COORDINATOR';
  status: PlannedStatus;
  structure: PlannedStructure | null;
  firstName: string;
  lastName: string;
  displayName: string;
  email: string;
  jobTitle: string;
  themes: ThemeName[];
  networks: SocialNetworkName[];
  weeklyHoursCommitment: number;
  createdAt: Date;
  /** When a coordinator validated them (ACTIVE, SUSPENDED, LEFT). */
  validatedAt: Date | null;
  /** When they were suspended or left. */
  leftAt: Date | null;
  charterAcceptedAt: Date | null;
}

export const DAY_MS = 86_400_000;
/** Every generated member's e-mail ends with this: the generator recognises its own rows by it. */
export const BENCH_EMAIL_DOMAIN = 'bench.pdn.test';

/** Ids per kind of row (the `tag` of `idFactory`): a row's id tells which table made it. */
export const ID_TAGS = {
  structure: 0x0001,
  member: 0x0002,
  statusChange: 0x0003,
  event: 0x0101,
  registration: 0x0102,
  permanence: 0x0103,
  presenceLog: 0x0104,
  post: 0x0201,
  comment: 0x0202,
  postReport: 0x0203,
  moderationAction: 0x0204,
  alert: 0x0205,
} as const;

/** The account a bench scenario signs in with: coordinators and promeneurs of a département. */
export function memberEmail(role: PlannedMember['role'], departmentCode: string, rank: number): string {
  const who = role === 'COORDINATOR' ? 'coordination' : 'promeneur';
  return `${who}-${rank}.dep-${departmentCode.toLowerCase()}@${BENCH_EMAIL_DOMAIN}`;
}

const PROMENEUR_STATUS_WEIGHTS: Readonly<Record<PlannedStatus, number>> = { ACTIVE: 75, CANDIDATE: 12, SUSPENDED: 5, LEFT: 8 };
const COORDINATORS_PER_DEPARTMENT = 2;

export function planNetwork(seed: number, targets: DatasetTargets, referenceDate: Date): Network {
  const departments: PlannedDepartment[] = DEPARTMENTS.slice(0, targets.departments).map((department, index) => ({
    ...department,
    index,
    structures: [],
    members: [],
    coordinators: [],
    activePromeneurs: [],
    registrants: [],
    activeMembers: [],
  }));

  // Départements differ in size (20 to 80 promeneurs in the programme's reports): weights drawn once.
  const sizes = Random.derived(seed, 'department-sizes');
  const weights = departments.map((department) => {
    const spread = sizes.between(0.6, 1.4);
    const big = NETWORK_SIZE[department.code];
    return big === undefined ? spread : big * (0.9 + (spread - 0.6) / 4);
  });

  const structureId = idFactory(seed, ID_TAGS.structure);
  const structures: PlannedStructure[] = [];
  const structureRandom = Random.derived(seed, 'structures');
  const structuresPerDepartment = apportion(targets.structures, weights);
  departments.forEach((department, d) => {
    for (let k = 0; k < structuresPerDepartment[d]!; k++) {
      const kind = structureRandom.weighted(STRUCTURE_KINDS);
      const stem = structureRandom.pick(STRUCTURE_NAME_STEMS[kind]);
      // Names stay unique within a département: the stem, a quarter or the structure's rank.
      const where = k < QUARTERS.length ? QUARTERS[(k + d) % QUARTERS.length]! : `n° ${k + 1}`;
      const structure: PlannedStructure = {
        id: structureId(structures.length),
        index: structures.length,
        department,
        name: `${stem} ${where} – ${department.prefecture}`,
        kind,
        commune: department.prefecture,
      };
      structures.push(structure);
      department.structures.push(structure);
    }
  });

  const memberId = idFactory(seed, ID_TAGS.member);
  const members: PlannedMember[] = [];
  const membersPerDepartment = apportion(targets.members, weights);
  const people = Random.derived(seed, 'members');
  const daysAgo = (days: number) => new Date(referenceDate.getTime() - days * DAY_MS - people.int(0, DAY_MS - 1));
  departments.forEach((department, d) => {
    const count = membersPerDepartment[d]!;
    for (let k = 0; k < count; k++) {
      const coordinator = k < Math.min(COORDINATORS_PER_DEPARTMENT, count);
      const role = coordinator ? 'COORDINATOR' : 'PROMENEUR';
      const status: PlannedStatus = coordinator ? 'ACTIVE' : people.weighted(PROMENEUR_STATUS_WEIGHTS);
      // The first coordinator works for the CAF (no structure of the network), the second for the
      // association the CAF delegates to; promeneurs belong to one of the département's structures.
      const structure = k === 0 && coordinator ? null : people.pick(department.structures);
      const firstName = people.pick(FIRST_NAMES);
      const lastName = people.pick(LAST_NAMES);
      const createdAt = daysAgo(people.int(120, 1_800));
      const validated = status !== 'CANDIDATE';
      const validatedAt = validated ? new Date(createdAt.getTime() + people.int(7, 60) * DAY_MS) : null;
      const leftAt =
        status === 'SUSPENDED' || status === 'LEFT'
          ? new Date(validatedAt!.getTime() + people.int(1, Math.max(2, Math.floor((referenceDate.getTime() - validatedAt!.getTime()) / DAY_MS) - 1)) * DAY_MS)
          : null;
      const charterAccepted = validated || people.chance(0.5);
      const networkCount = people.int(1, 3);
      const networks = new Set<SocialNetworkName>();
      while (networks.size < networkCount) networks.add(people.weighted(NETWORK_WEIGHTS));
      const rank = coordinator ? k + 1 : k - Math.min(COORDINATORS_PER_DEPARTMENT, count) + 1;
      const member: PlannedMember = {
        id: memberId(members.length),
        index: members.length,
        department,
        role,
        status,
        structure,
        firstName,
        lastName,
        displayName: structure ? `${firstName} · ${structure.name}` : firstName,
        email: memberEmail(role, department.code, rank),
        jobTitle: coordinator ? people.pick(COORDINATOR_JOB_TITLES) : people.pick(JOB_TITLES),
        themes: people.sample(THEMES, people.int(2, 4)),
        networks: [...networks],
        weeklyHoursCommitment: people.pick([2, 2, 2.5, 3, 3, 4]),
        createdAt,
        validatedAt,
        leftAt,
        charterAcceptedAt: charterAccepted ? new Date(createdAt.getTime() + people.int(1, 6) * DAY_MS) : null,
      };
      members.push(member);
      department.members.push(member);
      if (coordinator) department.coordinators.push(member);
      if (status === 'ACTIVE') department.activeMembers.push(member);
      if (!coordinator && status === 'ACTIVE') department.activePromeneurs.push(member);
      if (!coordinator && (status === 'ACTIVE' || status === 'CANDIDATE')) department.registrants.push(member);
    }
  });

  return { referenceDate, departments, structures, members };
}

/** The structure row as members stores it (search text folded like the service does). */
export function structureAddress(structure: PlannedStructure, random: Random) {
  return {
    address: `${random.int(1, 120)} ${random.pick(STREETS)}`,
    postalCode: postalCodeOf(structure.department),
    searchText: normalizeForSearch(`${structure.name} ${structure.commune}`),
  };
}

/** Members of `department` and of the next `span - 1` départements: who comes to a regional day. */
export function neighbourhood(network: Network, department: PlannedDepartment, span: number): PlannedDepartment[] {
  const count = Math.min(span, network.departments.length);
  return Array.from({ length: count }, (_, k) => network.departments[(department.index + k) % network.departments.length]!);
}
