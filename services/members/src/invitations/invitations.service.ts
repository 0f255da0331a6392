import { Inject, Injectable } from '@nestjs/common';
import { validate } from '@pdn/domain';
import { badInput, conflict, DomainError, ErrorCode, forbidden, unauthenticated } from '@pdn/errors';
import { coordinates, isAdmin, type Caller, type MemberStatus, type Role } from '@pdn/identity';
import { CLOCK, MEMBERS_SETTINGS, type Clock } from '../common/tokens.js';
import type { MembersSettings } from '../members.config.js';
import { AuthService, type AuthResult } from '../auth/auth.service.js';
import { AUTH_LOG, type AuthLogger } from '../auth/auth.tokens.js';
import { insertMember } from '../auth/new-member.js';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import { newSecretToken, secretTokenHash } from '../auth/secret-tokens.js';
import { invitationEmail } from './invitation-email.js';
import { InvitationsRepository, type InvitationRow } from './invitations.repository.js';

export interface InviteMember {
  email: string;
  firstName: string;
  lastName: string;
  role: Role | `${Role}`;
  structureId?: string | null;
  department: string;
}

/** The contract's Invitation: the token is in clear here, and only here. */
export interface CreatedInvitation {
  id: string;
  email: string;
  token: string;
  expiresAt: Date;
}

const ROLES: readonly Role[] = ['PROMENEUR', 'COORDINATOR', 'ADMIN'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 86_400_000;

/** Promeneurs start as candidates (labelling follows); coordinators and admins are trusted at once. */
export function initialStatus(role: Role): MemberStatus {
  return role === 'PROMENEUR' ? 'CANDIDATE' : 'ACTIVE';
}

@Injectable()
export class InvitationsService {
  constructor(
    private readonly repository: InvitationsRepository,
    private readonly auth: AuthService,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AUTH_LOG) private readonly logger: AuthLogger,
  ) {}

  /**
   * A coordinator invites someone into a département they run (admins anywhere; only admins invite
   * admins). The e-mail with the token is queued in the same transaction; a newer invitation to the
   * same address replaces a pending one.
   */
  async invite(caller: Caller, input: InviteMember): Promise<CreatedInvitation> {
    if (caller.kind !== 'member') throw unauthenticated();
    const email = validate.email('input.email', input.email);
    const firstName = validate.text('input.firstName', input.firstName, { max: 100 });
    const lastName = validate.text('input.lastName', input.lastName, { max: 100 });
    const department = validate.departmentCode('input.department', input.department);
    const role = input.role as Role;
    if (!ROLES.includes(role)) throw badInput('input.role', `"${input.role}" is not a role.`);

    if (caller.status !== 'ACTIVE') throw forbidden('Only active members can invite.');
    if (!coordinates(caller, department)) {
      throw forbidden(`You can only invite members into the départements you coordinate, and ${department} is not one of them.`);
    }
    if (role === 'ADMIN' && !isAdmin(caller)) throw forbidden('Only administrators can invite an administrator.');

    const structure = await this.structureFor(input.structureId, role, department);
    const now = this.clock.now();
    const token = newSecretToken();
    const expiresAt = new Date(now.getTime() + this.settings.INVITATION_TTL_DAYS * DAY_MS);

    const invitation = await this.repository.transaction(async (tx) => {
      await this.repository.lockEmail(email, tx);
      if (await this.repository.memberExistsWithEmail(email, tx)) {
        throw conflict('A member already uses this e-mail address.', 'input.email');
      }
      await this.repository.expirePending(email, now, tx);
      const row = await this.repository.insert(
        {
          email,
          firstName,
          lastName,
          role,
          structureId: structure?.id ?? null,
          department,
          tokenHash: secretTokenHash(token),
          invitedBy: caller.memberId,
          createdAt: now,
          expiresAt,
        },
        tx,
      );
      await this.repository.queueEmail(
        invitationEmail({ email, firstName, role, department, structureName: structure?.name ?? null, token, expiresAt }),
        now,
        tx,
      );
      return row;
    });
    // The address is personal data and the token a secret: neither goes to the logs.
    this.logger.info(
      { event: 'invitation-created', invitationId: invitation.id, role, department, invitedBy: caller.memberId },
      'invitation queued for sending',
    );
    return { id: invitation.id, email, token, expiresAt };
  }

  /**
   * Creates the invited member with the chosen password, marks the invitation used and signs the
   * member in, all in one transaction.
   */
  async accept(token: string, password: string): Promise<AuthResult> {
    checkPasswordPolicy(password);
    const tokenHash = secretTokenHash(token);
    // Checked before the (deliberately slow) password hash, and again under lock below.
    this.assertUsable(await this.repository.findByTokenHash(tokenHash));
    const passwordHash = await hashPassword(password);

    const { member, session } = await this.repository.transaction(async (tx) => {
      const pending = await this.repository.findByTokenHash(tokenHash, tx);
      await this.repository.lockEmail(this.assertUsable(pending).email, tx);
      const invitation = this.assertUsable(await this.repository.findByTokenHash(tokenHash, tx, { forUpdate: true }));
      const now = this.clock.now();
      const structure = invitation.structureId ? await this.repository.findStructure(invitation.structureId, tx) : undefined;
      const role = invitation.role as Role;
      const created = await insertMember(
        tx,
        {
          email: invitation.email,
          passwordHash,
          firstName: invitation.firstName,
          lastName: invitation.lastName,
          role,
          status: initialStatus(role),
          department: invitation.department,
          structureId: invitation.structureId,
          structureName: structure?.name ?? null,
          now,
        },
        { reason: 'invitation accepted', selfAuthored: true },
      );
      if (!created) throw conflict('An account already uses the e-mail address of this invitation: sign in instead.');
      await this.repository.markAccepted(invitation.id, created.id, now, tx);
      return { member: created, session: await this.auth.startSession(created, tx) };
    });
    this.logger.info(
      { event: 'invitation-accepted', memberId: member.id, role: member.role, department: member.department },
      'invitation accepted: member created',
    );
    return this.auth.authResult(member, session.sessionId, session.refreshToken);
  }

  private assertUsable(invitation: InvitationRow | undefined): InvitationRow {
    if (!invitation) {
      throw badInput('token', 'This invitation code is not valid. Check it, or ask your coordinator for a new invitation.');
    }
    if (invitation.acceptedAt) {
      throw conflict('This invitation has already been accepted: sign in with your e-mail address and password.', 'token');
    }
    if (invitation.expiresAt <= this.clock.now()) {
      throw badInput('token', 'This invitation has expired or was replaced by a newer one. Ask your coordinator for a new invitation.');
    }
    return invitation;
  }

  private async structureFor(structureId: string | null | undefined, role: Role, department: string) {
    if (!structureId) {
      if (role === 'PROMENEUR') throw badInput('input.structureId', 'A promeneur is invited on behalf of a structure.');
      return undefined;
    }
    const structure = UUID.test(structureId) ? await this.repository.findStructure(structureId) : undefined;
    if (!structure) {
      throw new DomainError(ErrorCode.NOT_FOUND, `Structure ${structureId} was not found.`, { field: 'input.structureId' });
    }
    if (structure.department !== department) {
      throw badInput(
        'input.structureId',
        `The structure "${structure.name}" is in département ${structure.department}, not ${department}.`,
      );
    }
    return structure;
  }
}
