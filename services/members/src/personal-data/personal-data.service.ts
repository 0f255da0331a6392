import { Inject, Injectable } from '@nestjs/common';
import { unauthenticated } from '@pdn/errors';
import { requireMember, type Caller } from '@pdn/identity';
import { withoutOmitted } from '@pdn/subgraph';
import { CLOCK, type Clock } from '../common/tokens.js';
import { membersPersonalDataCoverage as coverage } from './personal-data.coverage.js';
import { MembersPersonalDataRepository } from './personal-data.repository.js';
import { SubgraphParts } from './subgraph-parts.js';

/** Written into every export, so that a reader (or a later version of this code) knows the shape. */
export const PERSONAL_DATA_FORMAT = 'pdn-personal-data/1';

/** The right of access: everything the network holds about the caller, from every subgraph, as one document. */
@Injectable()
export class PersonalDataService {
  constructor(
    private readonly repository: MembersPersonalDataRepository,
    private readonly otherParts: SubgraphParts,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async export(caller: Caller, requestId?: string) {
    const self = requireMember(caller);
    const exportedAt = this.clock.now();
    // In parallel; a part that cannot be had fails the whole export (see SubgraphParts).
    const [others, member] = await Promise.all([this.otherParts.fetchAll(self, requestId), this.memberPart(self.memberId)]);
    if (!member) throw unauthenticated('Your account no longer exists.');
    return { exportedAt, format: PERSONAL_DATA_FORMAT, member, calendar: others.calendar, feed: others.feed };
  }

  /** Members' own part: the profile, spread, then everything else members holds about the member. */
  async memberPart(memberId: string) {
    const rows = await this.repository.rowsOf(memberId);
    if (!rows) return null;
    return {
      ...withoutOmitted(coverage.members, rows.member),
      structure: rows.structure,
      statusHistory: rows.statusHistory.map((row) => withoutOmitted(coverage.statusChanges, row)),
      sessions: rows.sessions.map((row) => withoutOmitted(coverage.sessions, row)),
      invitationsSent: rows.invitationsSent.map((row) => withoutOmitted(coverage.invitations, row)),
      invitationsReceived: rows.invitationsReceived.map((row) => withoutOmitted(coverage.invitations, row)),
      emailsReceived: rows.emails.map((row) => withoutOmitted(coverage.emailOutbox, row)),
      signInThrottle: rows.throttle ? withoutOmitted(coverage.loginThrottle, rows.throttle) : null,
      apiKeysCreated: rows.keysCreated.map((row) => withoutOmitted(coverage.apiKeys, row)),
      apiKeysRevoked: rows.keysRevoked.map((row) => withoutOmitted(coverage.apiKeys, row)),
      /** Who read the member's private fields, and which (GDPR: the recipients of the data). */
      privateDataReads: rows.reads.map((row) => withoutOmitted(coverage.auditEntries, row)),
    };
  }
}
