import { Inject, Injectable } from '@nestjs/common';
import { validate } from '@pdn/domain';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '@pdn/errors';
import { coordinates, isCoordinator, requireMember, type Caller } from '@pdn/identity';
import { decodeCursor, pageSize, toConnection, type Connection } from '@pdn/pagination';
import { canSee, partnerDepartments, partnerMaySee } from '@pdn/subgraph';
import type { MemberRow } from '../db/members.tables.js';
import { CLOCK, MEMBERS_SETTINGS, type Clock } from '../common/tokens.js';
import type { MembersSettings } from '../members.config.js';
import { StructuresRepository } from '../structures/structures.repository.js';
import type { CorrectMemberInput, MemberFilter, UpdateProfileInput } from './member.input.js';
import { formerMember, isFormerMember, type FormerMember } from './former-member.js';
import { defaultDisplayName, memberSearchColumns } from './member-search.js';
import { MembersRepository, type NewMember, type StatusChangeRow } from './members.repository.js';
import { validChannels } from './presence-channel.input.js';

const STATUSES = ['CANDIDATE', 'ACTIVE', 'SUSPENDED', 'LEFT'] as const;
type Status = (typeof STATUSES)[number];

@Injectable()
export class MembersService {
  constructor(
    private readonly members: MembersRepository,
    private readonly structures: StructuresRepository,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Who may see a member at all: the public (anonymous callers, partners) sees active promeneurs (a
   * partner, within its key's départements); the network sees every active member; the member and
   * their coordinators see the rest.
   */
  private visible(caller: Caller, member: MemberRow | null): MemberRow | null {
    if (!member || !partnerMaySee(caller, member.department)) return null;
    if (member.status === 'ACTIVE' && (member.role === 'PROMENEUR' || caller.kind === 'member')) return member;
    return canSee(caller, { memberId: member.id, department: member.department }, 'PRIVATE') ? member : null;
  }

  async get(caller: Caller, id: string): Promise<MemberRow | null> {
    return this.visible(caller, await this.members.findById(id));
  }

  /**
   * Federation references: an author or organiser keeps its public face whatever its status. The
   * former member (what feed answers for the posts of erased accounts) is answered without the
   * database; the other ids of the same `_entities` still share one batch. As a root query,
   * `member(id: FORMER_MEMBER_ID)` stays null: the former member is no one to look up.
   */
  reference(id: string): Promise<MemberRow | FormerMember | null> {
    return isFormerMember(id) ? Promise.resolve(formerMember()) : this.members.findById(id);
  }

  async me(caller: Caller): Promise<MemberRow | null> {
    return caller.kind === 'member' ? this.members.findById(caller.memberId) : null;
  }

  async list(caller: Caller, filter: MemberFilter | null | undefined, first?: number | null, after?: string | null): Promise<Connection<MemberRow>> {
    const limit = pageSize(first);
    const searching = !!filter?.search?.trim();
    const ordering = searching ? 'members:rank' : 'members:name';
    const cursor = decodeCursor(after, ordering, 2);
    const department = filter?.department ? validate.departmentCode('filter.department', filter.department) : null;
    if (filter?.structureId && !validate.isUuid(filter.structureId)) throw badInput('filter.structureId', 'This is not a structure id.');
    const privileged: string[] | 'ALL' =
      caller.kind === 'member' && caller.role === 'ADMIN' ? 'ALL' : isCoordinator(caller) ? caller.departments : [];
    const statuses = filter?.statuses?.length ? filter.statuses : privileged === 'ALL' || privileged.length ? [...STATUSES] : ['ACTIVE'];
    const { rows, total } = await this.members.page(
      {
        search: filter?.search,
        departments: partnerDepartments(caller, department) ?? (department ? [department] : null),
        themes: filter?.themes,
        networks: filter?.networks,
        structureId: filter?.structureId,
        structureKinds: filter?.structureKinds,
        statuses,
        roles: caller.kind === 'member' ? null : ['PROMENEUR'],
        privilegedDepartments: privileged,
      },
      limit + 1,
      cursor,
    );
    return toConnection(rows, limit, ordering, (r) => (searching ? [r.rank, r.id] : [r.sortKey, r.id]), total);
  }

  /** Who may read it is the schema's rule (`@Visibility('PRIVATE')` on Member.statusHistory). */
  statusHistory(member: Pick<MemberRow, 'id'>): Promise<StatusChangeRow[]> {
    return isFormerMember(member.id) ? Promise.resolve([]) : this.members.statusHistory(member.id);
  }

  async updateMyProfile(caller: Caller, input: UpdateProfileInput): Promise<MemberRow> {
    const self = requireMember(caller);
    const current = await this.members.findById(self.memberId);
    if (!current) throw unauthenticated('Your account no longer exists.');
    return this.applyProfile(current, input);
  }

  /** Rectification by a coordinator of the member's département: also e-mail and structure. */
  async correctMember(caller: Caller, id: string, input: CorrectMemberInput): Promise<MemberRow> {
    const current = await this.members.findById(id);
    if (!current) throw notFound('Member', id);
    if (!coordinates(caller, current.department)) throw forbidden(`Only the coordinators of département ${current.department} can correct this member.`);
    const extra: Partial<NewMember> = {};
    if (input.email != null) {
      const email = validate.email('input.email', input.email);
      const owner = await this.members.findByEmail(email);
      if (owner && owner.id !== id) throw conflict('Another member already uses this e-mail address.', 'input.email');
      extra.email = email;
    }
    if (input.structureId != null) {
      const structure = await this.structures.findById(input.structureId);
      if (!structure) throw notFound('Structure', input.structureId);
      extra.structureId = structure.id;
    }
    return this.applyProfile(current, input, extra);
  }

  private async applyProfile(current: MemberRow, input: UpdateProfileInput, extra: Partial<NewMember> = {}): Promise<MemberRow> {
    const firstName = input.firstName != null ? validate.text('input.firstName', input.firstName, { max: 60 }) : current.firstName;
    const lastName = input.lastName != null ? validate.text('input.lastName', input.lastName, { max: 80 }) : current.lastName;
    const jobTitle = input.jobTitle !== undefined ? validate.optionalText('input.jobTitle', input.jobTitle, 120) : current.jobTitle;
    const displayName = await this.nextDisplayName(current, firstName, input.displayName, extra.structureId);
    const changes: Partial<NewMember> = {
      ...extra,
      firstName,
      lastName,
      jobTitle,
      displayName,
      ...memberSearchColumns({ firstName, lastName, displayName, jobTitle }),
    };
    if (input.phone !== undefined) changes.phone = input.phone ? validate.frenchPhone('input.phone', input.phone) : null;
    if (input.themes) changes.themes = unique(input.themes);
    if (input.audiences) changes.audiences = unique(input.audiences);
    if (input.channels) changes.channels = validChannels('input.channels', input.channels);
    if (input.weeklyHoursCommitment != null) changes.weeklyHoursCommitment = validate.weeklyHours('input.weeklyHoursCommitment', input.weeklyHoursCommitment);
    return (await this.members.update(current.id, changes))!;
  }

  /**
   * A chosen display name is kept; clearing it, or renaming a member whose display name was the
   * derived one, derives it again from the first name and the structure.
   */
  private async nextDisplayName(current: MemberRow, firstName: string, chosen: string | null | undefined, structureId?: string | null): Promise<string> {
    const wanted = validate.optionalText('input.displayName', chosen ?? null, 120);
    if (wanted) return wanted;
    const structure = await this.loadStructure(structureId ?? current.structureId);
    const wasDerived = current.displayName === defaultDisplayName(current.firstName, structure?.name);
    if (chosen === undefined && !wasDerived) return current.displayName;
    return defaultDisplayName(firstName, structure?.name);
  }

  async acceptCharter(caller: Caller, version: string): Promise<MemberRow> {
    const self = requireMember(caller);
    if (version !== this.settings.CHARTER_VERSION) {
      throw badInput('version', `The current charter is version ${this.settings.CHARTER_VERSION}; accept that one.`);
    }
    const member = await this.members.update(self.memberId, { charterVersion: version, charterAcceptedAt: this.clock.now() });
    if (!member) throw unauthenticated('Your account no longer exists.');
    return member;
  }

  /**
   * The labelling workflow: CANDIDATE → ACTIVE once the current charter is accepted; SUSPENDED and
   * LEFT with a reason; every change recorded with who and when.
   */
  async setStatus(caller: Caller, id: string, status: Status, reason: string): Promise<MemberRow> {
    const member = await this.members.findById(id);
    if (!member) throw notFound('Member', id);
    if (!coordinates(caller, member.department)) throw forbidden(`Only the coordinators of département ${member.department} can change this member's status.`);
    if (caller.kind === 'member' && caller.memberId === id && caller.role !== 'ADMIN') throw forbidden('You cannot change your own status.');
    const why = reason.trim();
    if ((status === 'SUSPENDED' || status === 'LEFT') && !why) throw badInput('reason', `A reason is required to set a member ${status}.`);
    if (why.length > 500) throw badInput('reason', 'At most 500 characters.');
    if (member.status === status) throw conflict(`This member is already ${status}.`);
    if (member.status === 'LEFT') throw conflict('This member has left the network; invite them again instead.');
    if (status === 'ACTIVE' && member.charterVersion !== this.settings.CHARTER_VERSION) {
      throw conflict(`This member has not accepted the current charter (version ${this.settings.CHARTER_VERSION}) yet.`);
    }
    if (status === 'CANDIDATE') throw conflict('A member cannot go back to CANDIDATE.');
    const changed = await this.members.changeStatus({
      memberId: id,
      from: member.status,
      to: status,
      reason: why || 'validated',
      byMemberId: caller.kind === 'member' ? caller.memberId : null,
      at: this.clock.now(),
      accessTokenTtlSeconds: this.settings.ACCESS_TOKEN_TTL_SECONDS,
    });
    if (!changed) throw conflict('The status changed meanwhile; reload and try again.');
    return changed;
  }

  loadStructure(structureId: string | null) {
    return structureId ? this.structures.findById(structureId) : null;
  }

  loadMember(id: string | null) {
    return id ? this.members.findById(id) : null;
  }
}


function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
