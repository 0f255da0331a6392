import {
  AcceptCharterDocument,
  AcceptInvitationDocument,
  CreateStructureDocument,
  InviteMemberDocument,
  PdnClient,
  SetMemberStatusDocument,
  StructuresDocument,
  UpdateMyProfileDocument,
  type MemberStatus,
  type Role,
  type UpdateProfileInput,
} from '@pdn/client';
import { DEMO_PASSWORD } from './demo-logins.js';
import {
  COORDINATORS,
  DEPARTMENT,
  GERS_COMMUNES,
  PROMENEURS,
  STRUCTURES,
  type SeedCoordinator,
  type SeedMember,
  type SeedStructure,
} from './gers-network.js';
import { seedCalendar, type CalendarReport } from './seed-calendar.js';
import { seedFeed, type FeedReport } from './seed-feed.js';
import { expectData, signIn, type SignedIn } from './seed-steps.js';

export { SeedStepError } from './seed-steps.js';

export interface SeedOptions {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  gatewayUrl: string;
  /** The first ADMIN, created by the members subgraph from PDN_ADMIN_EMAIL / PDN_ADMIN_PASSWORD. */
  admin: { email: string; password: string };
  /** Seed even when the directory already has structures: what exists is reused, the rest created. */
  force?: boolean;
  /** The charter version the members subgraph expects (its CHARTER_VERSION); default '2024-1'. */
  charterVersion?: string;
  /** Also seed the calendar: events, registrations, permanences, presence logs (default true). */
  calendar?: boolean;
  /** Also seed the feed: posts, republications, comments, reactions, moderation, network alerts (default true). */
  feed?: boolean;
  /** The current instant the calendar is planned around and alert expiries count from (default: now). */
  now?: Date;
  /** Calls in flight at once for the calendar's and the feed's batches (default 8). */
  concurrency?: number;
  log?: (line: string) => void;
  fetch?: typeof fetch;
}

export interface SeedReport {
  structures: { created: number; reused: number };
  members: { invited: number; reused: number; byStatus: Partial<Record<MemberStatus, number>> };
  /** Absent when the calendar was not seeded. */
  calendar?: CalendarReport;
  /** Absent when the feed was not seeded. */
  feed?: FeedReport;
  durationMs: number;
}

/** Refusal to seed a directory that already has data (run with --force to complete it anyway). */
export class DirectoryNotEmptyError extends Error {
  constructor(readonly structureCount: number) {
    super(
      `The directory is not empty (${structureCount} structure${structureCount === 1 ? '' : 's'}): nothing seeded. ` +
        'Use --force to complete it with the demo network anyway.',
    );
    this.name = 'DirectoryNotEmptyError';
  }
}

export const DEFAULT_CHARTER_VERSION = '2024-1';

const VALIDATED = 'Labellisation validée par le comité technique PDN32';
const COORDINATION = 'Coordination départementale du réseau PDN32';

/** How many structures the directory holds (anyone may ask): 0 means a fresh install. */
export async function directorySize(client: PdnClient): Promise<number> {
  const data = await expectData('counting structures', client.request(StructuresDocument, { first: 1 }));
  return data.structures.totalCount;
}

export async function seedNetwork(options: SeedOptions): Promise<SeedReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const charterVersion = options.charterVersion ?? DEFAULT_CHARTER_VERSION;
  const anonymous = new PdnClient(options.gatewayUrl, { fetch: options.fetch });
  const report: SeedReport = { structures: { created: 0, reused: 0 }, members: { invited: 0, reused: 0, byStatus: {} }, durationMs: 0 };

  const existing = await directorySize(anonymous);
  if (existing > 0 && !options.force) throw new DirectoryNotEmptyError(existing);

  const admin = await signIn(
    anonymous,
    options.admin.email,
    options.admin.password,
    'the admin',
    'The members subgraph creates the first admin from PDN_ADMIN_EMAIL / PDN_ADMIN_PASSWORD when it has none; ' +
      'an admin created earlier keeps the password it was created with.',
  );

  // ---------------------------------------------------------------- structures
  const structureIds = new Map<string, string>();
  const known = existing > 0 ? await listStructures(admin.client) : new Map<string, string>();
  for (const structure of STRUCTURES) {
    const id = known.get(structureIdentity(structure.name, GERS_COMMUNES[structure.commune].name));
    if (id) {
      structureIds.set(structure.key, id);
      report.structures.reused++;
      continue;
    }
    const { createStructure } = await expectData(
      `creating the structure "${structure.name}"`,
      admin.client.request(CreateStructureDocument, { input: structureInput(structure) }),
    );
    structureIds.set(structure.key, createStructure.id);
    report.structures.created++;
  }
  log(`structures: ${report.structures.created} created${report.structures.reused ? `, ${report.structures.reused} already there` : ''}`);

  const context: MemberContext = { anonymous, charterVersion, structureIds, report, force: !!options.force };

  // ---------------------------------------------------------------- coordinators (invited and validated by the admin)
  const coordinators = new Map<SeedCoordinator['key'], SignedIn>();
  for (const coordinator of COORDINATORS) {
    coordinators.set(coordinator.key, await seedMember(context, coordinator, 'COORDINATOR', admin, COORDINATION));
  }
  log(`coordinators: ${COORDINATORS.map((c) => `${c.firstName} ${c.lastName}`).join(', ')}`);

  // ---------------------------------------------------------------- promeneurs (invited and validated by a coordinator)
  for (const promeneur of PROMENEURS) {
    const inviter = coordinators.get(promeneur.invitedBy);
    if (!inviter) throw new Error(`seed: ${promeneur.email} is invited by unknown coordinator "${promeneur.invitedBy}"`);
    await seedMember(context, promeneur, 'PROMENEUR', inviter, VALIDATED);
  }
  const statuses = Object.entries(report.members.byStatus)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  log(`members: ${report.members.invited} invited${report.members.reused ? `, ${report.members.reused} already there` : ''} (${statuses})`);

  // ---------------------------------------------------------------- calendar (as the coordinators and the promeneurs themselves)
  const now = options.now ?? new Date();
  if (options.calendar !== false) {
    report.calendar = await seedCalendar({ anonymous, now, concurrency: options.concurrency, log });
  }

  // ---------------------------------------------------------------- feed and alerts (as the members and the coordinators)
  if (options.feed !== false) {
    report.feed = await seedFeed({ anonymous, now, concurrency: options.concurrency, log });
  }

  report.durationMs = Date.now() - started;
  return report;
}

function structureIdentity(name: string, commune: string): string {
  return `${name.toLowerCase()}|${commune.toLowerCase()}`;
}

function structureInput(structure: SeedStructure) {
  const commune = GERS_COMMUNES[structure.commune];
  return {
    name: structure.name,
    kind: structure.kind,
    commune: commune.name,
    postalCode: commune.postalCode,
    inseeCode: commune.inseeCode,
    department: DEPARTMENT,
    address: structure.address,
    email: structure.email,
    phone: structure.phone,
    website: structure.website ?? null,
    channels: structure.channels,
  };
}

/** The département's structures already in the directory, by name and commune. */
async function listStructures(client: PdnClient): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let after: string | null | undefined;
  do {
    const { structures } = await expectData(
      'listing the structures',
      client.request(StructuresDocument, { filter: { department: DEPARTMENT }, first: 100, after }),
    );
    for (const { node } of structures.edges) found.set(structureIdentity(node.name, node.commune), node.id);
    after = structures.pageInfo.hasNextPage ? structures.pageInfo.endCursor : undefined;
  } while (after);
  return found;
}

interface MemberContext {
  anonymous: PdnClient;
  charterVersion: string;
  structureIds: Map<string, string>;
  report: SeedReport;
  force: boolean;
}

/**
 * One member's whole journey as the real network would live it: the coordinator invites, the member
 * accepts the invitation with a password, fills in their profile, accepts the charter; then the
 * coordinator validates (ACTIVE), and possibly suspends, with a reason.
 */
async function seedMember(context: MemberContext, member: SeedMember, role: Role, validator: SignedIn, validation: string): Promise<SignedIn> {
  const name = `${member.firstName} ${member.lastName}`;
  const structureId = context.structureIds.get(member.structure);
  if (!structureId) throw new Error(`seed: ${member.email} works for unknown structure "${member.structure}"`);

  const self = await joinNetwork(context, member, role, structureId, validator);
  await expectData(`filling in the profile of ${name}`, self.client.request(UpdateMyProfileDocument, { input: profileInput(member) }));

  const outcome = member.outcome;
  const acceptsCharter = outcome.status !== 'CANDIDATE' || outcome.charterAccepted;
  if (acceptsCharter && !self.charterAccepted) {
    await expectData(
      `accepting the charter as ${name}`,
      self.client.request(AcceptCharterDocument, { version: context.charterVersion }),
      'The charter version comes from CHARTER_VERSION (default 2024-1); seed and members subgraph must agree.',
    );
  }

  let status = self.status;
  const setStatus = async (to: MemberStatus, reason: string) => {
    await expectData(`setting ${name} ${to}`, validator.client.request(SetMemberStatusDocument, { id: self.id, status: to, reason }));
    status = to;
  };
  if ((outcome.status === 'ACTIVE' || outcome.status === 'SUSPENDED') && status === 'CANDIDATE') await setStatus('ACTIVE', validation);
  if (outcome.status === 'SUSPENDED' && status !== 'SUSPENDED') await setStatus('SUSPENDED', outcome.reason);

  context.report.members.byStatus[status] = (context.report.members.byStatus[status] ?? 0) + 1;
  return { ...self, status };
}

/** Invitation then sign-up; with --force, a member who already has an account signs in instead. */
async function joinNetwork(context: MemberContext, member: SeedMember, role: Role, structureId: string, inviter: SignedIn): Promise<SignedIn> {
  const name = `${member.firstName} ${member.lastName}`;
  const invited = await inviter.client.request(InviteMemberDocument, {
    input: { email: member.email, firstName: member.firstName, lastName: member.lastName, role, structureId, department: DEPARTMENT },
  });
  const conflict = invited.errors?.some((e) => e.extensions?.code === 'CONFLICT');
  if (conflict && context.force) {
    context.report.members.reused++;
    return signIn(
      context.anonymous,
      member.email,
      DEMO_PASSWORD,
      name,
      'This address already has an account that does not use the demo password: erase the data (.data/) to seed again.',
    );
  }
  const { inviteMember } = await expectData(`inviting ${name}`, Promise.resolve(invited));
  const { acceptInvitation } = await expectData(
    `accepting the invitation of ${name}`,
    context.anonymous.request(AcceptInvitationDocument, { token: inviteMember.token, password: DEMO_PASSWORD }),
  );
  context.report.members.invited++;
  return {
    client: context.anonymous.withToken(acceptInvitation.accessToken),
    id: acceptInvitation.member.id,
    status: acceptInvitation.member.status,
    charterAccepted: acceptInvitation.member.charterAcceptedAt != null,
  };
}

function profileInput(member: SeedMember): UpdateProfileInput {
  return {
    jobTitle: member.jobTitle,
    ...(member.displayName ? { displayName: member.displayName } : {}),
    phone: member.phone ?? null,
    themes: member.themes,
    audiences: member.audiences,
    channels: member.channels,
    weeklyHoursCommitment: member.weeklyHoursCommitment,
  };
}
