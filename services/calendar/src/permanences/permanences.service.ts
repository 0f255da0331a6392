import { Inject, Injectable } from '@nestjs/common';
import { validate } from '@pdn/domain';
import { forbidden, unauthenticated } from '@pdn/errors';
import type { Caller } from '@pdn/identity';
import { CLOCK, type Clock } from '../common/tokens.js';
import type { PermanenceRow } from '../db/calendar.tables.js';
import type { PermanenceInput } from './permanence.input.js';
import { covers, validSchedule } from './permanence-slots.js';
import { parisDateAndTime, partnerDepartments } from '@pdn/subgraph';
import { PermanencesRepository } from './permanences.repository.js';

@Injectable()
export class PermanencesService {
  constructor(
    private readonly permanences: PermanencesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Permanences are public (`onlineNow`, the directory), so only labelled members publish them: a
   * candidate is not a promeneur yet, a suspended or departed one no longer acts under the label.
   * Anyone signed in may clear their own schedule, whatever their status.
   */
  async setMine(caller: Caller, slots: PermanenceInput[]): Promise<PermanenceRow[]> {
    if (caller.kind !== 'member') throw unauthenticated();
    if (slots.length && caller.status !== 'ACTIVE') {
      throw forbidden(`Only active members publish permanences; your status is ${caller.status}. You may still clear your slots.`);
    }
    const schedule = validSchedule(slots);
    // The home département goes with the slots so that `onlineNow(department)` needs no other service.
    const home = caller.departments[0];
    if (!home) throw forbidden('Your account has no département.');
    return this.permanences.replace(caller.memberId, home, schedule);
  }

  /** The slots covering this instant, read on the Europe/Paris wall clock (a partner's: within its départements). */
  async onlineNow(caller: Caller, department: string | null | undefined): Promise<PermanenceRow[]> {
    const code = department ? validate.departmentCode('department', department) : null;
    return this.permanences.covering(parisDateAndTime(this.clock.now()), partnerDepartments(caller, code) ?? (code ? [code] : null));
  }

  ofMember(memberId: string): Promise<PermanenceRow[]> {
    return this.permanences.forMember(memberId);
  }

  async isOnline(memberId: string): Promise<boolean> {
    const now = parisDateAndTime(this.clock.now());
    return (await this.permanences.forMember(memberId)).some((slot) => covers(slot, now));
  }
}
