import { Inject, Injectable } from '@nestjs/common';
import { validate } from '@pdn/domain';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '@pdn/errors';
import { coordinates, type Caller, type MemberCaller } from '@pdn/identity';
import { CLOCK, formatParisDateTime, type Clock } from '@pdn/subgraph';
import type { EventRow, RegistrationRow } from '../db/calendar.tables.js';
import { EventKind, EventStatus, JoinMode } from '../events/event.enums.js';
import { canManageEvent, canSeeEvent } from '../events/event-rules.js';
import { EventsRepository, type CalendarExecutor } from '../events/events.repository.js';
import { RegistrationStatus } from './registration.model.js';
import { RegistrationsRepository } from './registrations.repository.js';

export interface EventSeats {
  confirmedCount: number;
  waitlistCount: number;
  seatsLeft: number | null;
}

@Injectable()
export class RegistrationsService {
  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly events: EventsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The caller registers. OPEN events confirm while seats are left, then waitlist in arrival order;
   * APPROVAL events wait for a coordinator. The event's row lock makes concurrent registrations take
   * turns, so the seats are never overbooked. Registering again returns the standing registration;
   * after a cancellation it registers anew (at the end of the queue).
   */
  async register(caller: Caller, eventId: string): Promise<RegistrationRow> {
    const member = signedIn(caller);
    if (member.status === 'SUSPENDED' || member.status === 'LEFT') {
      throw forbidden(`Your membership is ${member.status.toLowerCase()}: you cannot register to events.`);
    }
    return this.events.withLockedEvent(eventId, async (event, tx) => {
      if (!event) throw notFound('Event', eventId);
      const existing = await this.registrations.findForMember(tx, event.id, member.memberId);
      if (existing && existing.status !== RegistrationStatus.CANCELLED) return existing;
      if (member.status === 'CANDIDATE' && event.kind !== EventKind.INITIAL_TRAINING) {
        throw forbidden('Candidates may register to initial trainings only, until their labelling is validated.');
      }
      const now = this.clock.now();
      const closed = whyRegistrationIsClosed(event, now);
      if (closed) throw conflict(closed);
      const { status, waitlistPosition } = await this.seatFor(tx, event, event.joinMode === JoinMode.APPROVAL);
      return this.registrations.register(tx, { eventId: event.id, memberId: member.memberId, status, waitlistPosition, now });
    });
  }

  /** By the member or a coordinator of the event: frees the seat for the first waitlisted, in the same transaction. */
  async cancel(caller: Caller, id: string): Promise<RegistrationRow> {
    const member = signedIn(caller);
    const found = await this.registrations.findById(id);
    // A registration detached from an erased member belongs to no one: there is nothing to do with it.
    if (!found || found.memberId === null) throw notFound('Registration', id);
    return this.events.withLockedEvent(found.eventId, async (event, tx) => {
      const registration = await this.registrations.findIn(tx, id);
      if (!event || !registration) throw notFound('Registration', id);
      if (registration.memberId !== member.memberId && !canManageEvent(caller, event)) {
        throw forbidden('Only the member or the coordinators of the event can cancel this registration.');
      }
      if (registration.status === RegistrationStatus.CANCELLED) return registration;
      if (registration.status === RegistrationStatus.REJECTED) throw conflict('This registration was refused: there is nothing to cancel.');
      const now = this.clock.now();
      if (event.status === EventStatus.COMPLETED || now.getTime() >= event.endsAt.getTime()) {
        throw conflict('This event is over: its registrations can no longer be cancelled.');
      }
      const cancelled = await this.registrations.update(tx, id, { status: RegistrationStatus.CANCELLED, waitlistPosition: null }, now);
      await this.registrations.fillSeats(tx, event, now);
      return cancelled;
    });
  }

  /** Coordinators of the event decide PENDING_APPROVAL registrations: approved take a seat or the waitlist. */
  async decide(caller: Caller, id: string, approve: boolean): Promise<RegistrationRow> {
    const found = await this.registrations.findById(id);
    if (!found || found.memberId === null) throw notFound('Registration', id);
    return this.events.withLockedEvent(found.eventId, async (event, tx) => {
      const registration = await this.registrations.findIn(tx, id);
      if (!event || !registration) throw notFound('Registration', id);
      if (!canManageEvent(caller, event)) throw forbidden(`Only the coordinators of département ${event.department} decide these registrations.`);
      if (registration.status !== RegistrationStatus.PENDING_APPROVAL) {
        throw conflict(`This registration is ${registration.status}: it is not waiting for a decision.`);
      }
      if (event.status === EventStatus.CANCELLED || event.status === EventStatus.COMPLETED) {
        throw conflict(`This event is ${event.status.toLowerCase()}: its registrations can no longer be decided.`);
      }
      const decidedBy = caller.kind === 'member' ? caller.memberId : null;
      const now = this.clock.now();
      if (!approve) return this.registrations.update(tx, id, { status: RegistrationStatus.REJECTED, waitlistPosition: null, decidedBy }, now);
      const seat = await this.seatFor(tx, event, false);
      return this.registrations.update(tx, id, { ...seat, decidedBy }, now);
    });
  }

  /** Coordinators record who came, once the event has started, on confirmed registrations. */
  async recordAttendance(caller: Caller, eventId: string, memberIds: string[], attended: boolean): Promise<RegistrationRow[]> {
    const event = await this.events.findById(eventId);
    if (!event || !canSeeEvent(caller, event)) throw notFound('Event', eventId);
    if (!canManageEvent(caller, event)) throw forbidden(`Only the coordinators of département ${event.department} record attendance.`);
    if (event.status === EventStatus.DRAFT || event.status === EventStatus.CANCELLED) {
      throw conflict(`This event is ${event.status.toLowerCase()}: nobody attended it.`);
    }
    if (this.clock.now().getTime() < event.startsAt.getTime()) throw conflict('Attendance is recorded once the event has started.');
    memberIds.forEach((id, i) => {
      if (!validate.isUuid(id)) throw badInput(`memberIds.${i}`, 'This is not a member id.');
    });
    const ids = [...new Set(memberIds)];
    if (ids.length === 0) return [];
    const confirmed = new Set((await this.registrations.confirmedOf(event.id, ids)).map((r) => r.memberId));
    const missing = memberIds.findIndex((id) => !confirmed.has(id));
    if (missing >= 0) throw badInput(`memberIds.${missing}`, 'This member has no confirmed registration to this event.');
    return this.registrations.setAttended(event.id, ids, attended, this.clock.now());
  }

  async seats(event: EventRow): Promise<EventSeats> {
    const counts = await this.registrations.countsOf(event.id);
    return {
      confirmedCount: counts.confirmed,
      waitlistCount: counts.waitlisted,
      seatsLeft: event.capacity === null ? null : Math.max(0, event.capacity - counts.confirmed),
    };
  }

  /** An event's registrations, for the coordinators of its département only; [] for anyone else. */
  async ofEvent(caller: Caller, event: EventRow, statuses?: RegistrationStatus[] | null): Promise<RegistrationRow[]> {
    if (!canManageEvent(caller, event)) return [];
    return withStatuses(await this.registrations.ofEvent(event.id), statuses);
  }

  mine(caller: Caller, event: EventRow): Promise<RegistrationRow | null> | null {
    return caller.kind === 'member' ? this.registrations.ofMemberForEvent({ memberId: caller.memberId, eventId: event.id }) : null;
  }

  /**
   * A member's registrations: all of them to the member; to a coordinator, those to the events of the
   * départements they coordinate; nothing to anyone else.
   */
  async ofMember(caller: Caller, memberId: string, statuses?: RegistrationStatus[] | null): Promise<RegistrationRow[]> {
    if (caller.kind !== 'member') return [];
    const self = caller.memberId === memberId;
    if (!self && caller.role === 'PROMENEUR') return [];
    const rows = await this.registrations.ofMember(memberId);
    return withStatuses(
      self ? rows : rows.filter((r) => coordinates(caller, r.eventDepartment)),
      statuses,
    );
  }

  async eventOf(registration: RegistrationRow): Promise<EventRow> {
    const event = await this.events.findById(registration.eventId);
    if (!event) throw notFound('Event', registration.eventId);
    return event;
  }

  /** Where a new or approved registration goes: a seat if one is left, else the end of the waitlist. */
  private async seatFor(tx: CalendarExecutor, event: EventRow, awaitsApproval: boolean): Promise<{ status: RegistrationStatus; waitlistPosition: number | null }> {
    if (awaitsApproval) return { status: RegistrationStatus.PENDING_APPROVAL, waitlistPosition: null };
    const seats = await this.registrations.seats(tx, event.id);
    if (event.capacity === null || seats.confirmed < event.capacity) return { status: RegistrationStatus.CONFIRMED, waitlistPosition: null };
    return { status: RegistrationStatus.WAITLISTED, waitlistPosition: seats.lastPosition + 1 };
  }
}

/** Why the event takes no registration now, or null when it does. */
export function whyRegistrationIsClosed(event: EventRow, now: Date): string | null {
  switch (event.status) {
    case EventStatus.DRAFT:
      return 'This event is not published yet: registrations open when it is.';
    case EventStatus.CANCELLED:
      return `This event was cancelled${event.cancelReason ? ` (${event.cancelReason})` : ''}: it takes no registration.`;
    case EventStatus.COMPLETED:
      return 'This event has taken place and is closed.';
  }
  if (now.getTime() >= event.endsAt.getTime()) return 'This event is over.';
  if (event.registrationDeadline && now.getTime() > event.registrationDeadline.getTime()) {
    return `Registrations closed on ${formatParisDateTime(event.registrationDeadline)}.`;
  }
  return null;
}

function signedIn(caller: Caller): MemberCaller {
  if (caller.kind !== 'member') throw unauthenticated('Sign in to register to events.');
  return caller;
}

function withStatuses<T extends { status: string }>(rows: T[], statuses?: string[] | null): T[] {
  return statuses?.length ? rows.filter((r) => statuses.includes(r.status)) : rows;
}
