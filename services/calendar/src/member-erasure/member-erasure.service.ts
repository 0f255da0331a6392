import { Inject, Injectable } from '@nestjs/common';
import type { MemberErasedPayload } from '@pdn/domain-events';
import { CLOCK, type Clock } from '@pdn/subgraph';
import type { CalendarExecutor } from '../events/events.repository.js';
import { MemberErasureRepository } from './member-erasure.repository.js';

export interface CalendarErasureSummary {
  permanences: number;
  presenceLogs: number;
  cancelledRegistrations: number;
  detachedRegistrations: number;
}

/**
 * What calendar does when a member erases their account (member.erased), in the consumer's
 * transaction: their permanences and private calendar feed go; their presence logs are added to the
 * anonymous monthly totals of their département, then deleted; their registrations to events still
 * to come are cancelled (seats freed for the waitlist) and all their registrations detached, so event
 * counts and attendance stay right. Events they organised stay, their organiser now showing as the
 * anonymised member.
 */
@Injectable()
export class MemberErasureService {
  constructor(
    private readonly repository: MemberErasureRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async apply(payload: MemberErasedPayload, tx: CalendarExecutor): Promise<CalendarErasureSummary> {
    const { memberId } = payload;
    const now = this.clock.now();
    const permanences = await this.repository.deletePermanences(tx, memberId);
    await this.repository.deleteFeedToken(tx, memberId);
    const presenceLogs = await this.repository.foldPresenceLogs(tx, memberId);
    const cancelledRegistrations = await this.repository.cancelStandingRegistrations(tx, memberId, now);
    const detachedRegistrations = await this.repository.detachRegistrations(tx, memberId, now);
    return { permanences, presenceLogs, cancelledRegistrations, detachedRegistrations };
  }
}
