import { Inject, Injectable } from '@nestjs/common';
import { validate } from '@pdn/domain';
import { badInput, conflict, forbidden, notFound } from '@pdn/errors';
import { coordinates, isAdmin, isCoordinator, type Caller } from '@pdn/identity';
import { decodeCursor, pageSize, toConnection, type Connection } from '@pdn/pagination';
import { CLOCK, formatParisDateTime, partnerDepartments, partnerMaySee, type Clock } from '@pdn/subgraph';
import type { EventRow } from '../db/calendar.tables.js';
import { RegistrationsRepository } from '../registrations/registrations.repository.js';
import { EventStatus } from './event.enums.js';
import type { CreateEventInput, EventFilter, UpdateEventInput } from './event.input.js';
import { canManageEvent, canSeeEvent, validEventFields, type EventFields } from './event-rules.js';
import { EventsRepository, type EventCursor } from './events.repository.js';
import { addParisDays } from '@pdn/subgraph';

const ORDERING = 'events:start';
const ALL_STATUSES = Object.values(EventStatus);

@Injectable()
export class EventsService {
  constructor(
    private readonly events: EventsRepository,
    private readonly registrations: RegistrationsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Null when it does not exist, is a draft the caller may not see, or lies outside a partner's départements. */
  async get(caller: Caller, id: string): Promise<EventRow | null> {
    const event = await this.events.findById(id);
    return event && canSeeEvent(caller, event) && partnerMaySee(caller, event.department) ? event : null;
  }

  /**
   * Lists events by start then id. Drafts are listed only in the départements the caller coordinates;
   * a partner application's, only in its key's départements.
   */
  async list(caller: Caller, filter: EventFilter | null | undefined, first?: number | null, after?: string | null): Promise<Connection<EventRow>> {
    const limit = pageSize(first);
    const cursor = eventCursor(decodeCursor(after, ORDERING, 2));
    const department = filter?.department ? validate.departmentCode('filter.department', filter.department) : null;
    if (filter?.from && filter?.to && filter.to.getTime() < filter.from.getTime()) throw badInput('filter.to', '`to` must not be before `from`.');
    const { rows, total } = await this.events.page(
      {
        kinds: filter?.kinds,
        from: filter?.from,
        to: filter?.to,
        departments: partnerDepartments(caller, department) ?? (department ? [department] : null),
        themes: filter?.themes,
        statuses: filter?.statuses?.length ? filter.statuses : ALL_STATUSES,
        draftDepartments: isAdmin(caller) ? 'ALL' : isCoordinator(caller) ? caller.departments : [],
      },
      limit + 1,
      cursor,
    );
    return toConnection(rows, limit, ORDERING, (e) => [e.startsAt.toISOString(), e.id], total);
  }

  /** Coordinators of the event's département; the caller becomes its organiser. */
  async create(caller: Caller, input: CreateEventInput): Promise<EventRow> {
    if (caller.kind !== 'member') throw forbidden();
    const status = input.status ?? EventStatus.DRAFT;
    if (status !== EventStatus.DRAFT && status !== EventStatus.PUBLISHED) {
      throw badInput('input.status', 'A new event is DRAFT or PUBLISHED.');
    }
    const fields = validEventFields({
      kind: input.kind,
      title: input.title,
      description: input.description ?? null,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      location: input.location ?? null,
      onlineUrl: input.onlineUrl ?? null,
      department: input.department,
      themes: input.themes ?? [],
      capacity: input.capacity ?? null,
      joinMode: input.joinMode ?? 'OPEN',
      registrationDeadline: input.registrationDeadline ?? null,
    });
    if (!coordinates(caller, fields.department)) throw forbidden(`Only the coordinators of département ${fields.department} can create its events.`);
    const now = this.clock.now();
    return this.events.insert({ ...fields, status, organizerId: caller.memberId, createdAt: now, updatedAt: now });
  }

  async update(caller: Caller, id: string, input: UpdateEventInput): Promise<EventRow> {
    return this.events.withLockedEvent(id, async (event, tx) => {
      const current = this.managed(caller, id, event);
      if (current.status === EventStatus.CANCELLED || current.status === EventStatus.COMPLETED) {
        throw conflict(`This event is ${current.status.toLowerCase()}: it can no longer be changed.`);
      }
      const status = nextStatus(current.status, input.status);
      const fields = validEventFields(merged(current, input));
      if (fields.department !== current.department && !coordinates(caller, fields.department)) {
        throw forbidden(`Only the coordinators of département ${fields.department} can move an event there.`);
      }
      const now = this.clock.now();
      const gainsSeats = current.capacity !== null && (fields.capacity === null || fields.capacity > current.capacity);
      if (fields.capacity !== null && (current.capacity === null || fields.capacity < current.capacity)) {
        const { confirmed } = await this.registrations.seats(tx, current.id);
        if (fields.capacity < confirmed) {
          throw conflict(`${confirmed} registrations are confirmed: the capacity cannot go below that. Cancel registrations first.`, 'input.capacity');
        }
      }
      const updated = await this.events.update(tx, current.id, { ...fields, status }, now);
      if (gainsSeats) await this.registrations.fillSeats(tx, updated, now);
      return updated;
    });
  }

  /** Cancels the event and every registration still standing, in one transaction. */
  async cancel(caller: Caller, id: string, reason: string): Promise<EventRow> {
    const why = validate.text('reason', reason, { max: 500 });
    return this.events.withLockedEvent(id, async (event, tx) => {
      const current = this.managed(caller, id, event);
      if (current.status === EventStatus.CANCELLED) throw conflict('This event is already cancelled.');
      if (current.status === EventStatus.COMPLETED) throw conflict('This event has taken place and is closed: it cannot be cancelled.');
      const now = this.clock.now();
      await this.registrations.cancelAll(tx, current.id, now);
      return this.events.update(tx, current.id, { status: EventStatus.CANCELLED, cancelReason: why }, now);
    });
  }

  /**
   * The closing step, once the event has ended: it becomes COMPLETED with the number of people who
   * attended (the recorded attendance when not given) and the coordinators' notes.
   */
  async close(caller: Caller, id: string, attendedCount: number | null | undefined, notes: string | null | undefined): Promise<EventRow> {
    if (attendedCount != null && (!Number.isInteger(attendedCount) || attendedCount < 0 || attendedCount > 100_000)) {
      throw badInput('attendedCount', 'The attended count is a whole number, 0 or more.');
    }
    const closingNotes = notes?.trim() ? notes.trim() : null;
    if (closingNotes && closingNotes.length > 5000) throw badInput('notes', 'At most 5,000 characters.');
    return this.events.withLockedEvent(id, async (event, tx) => {
      const current = this.managed(caller, id, event);
      if (current.status === EventStatus.DRAFT) throw conflict('This event was never published: there is nothing to close. Cancel it instead.');
      if (current.status === EventStatus.CANCELLED) throw conflict('This event was cancelled: it cannot be closed.');
      if (current.status === EventStatus.COMPLETED) throw conflict('This event is already closed.');
      const now = this.clock.now();
      if (now.getTime() < current.endsAt.getTime()) {
        throw conflict(`This event ends at ${formatParisDateTime(current.endsAt)}: close it once it is over.`);
      }
      const count = attendedCount ?? (await this.registrations.countAttended(tx, current.id));
      return this.events.update(tx, current.id, { status: EventStatus.COMPLETED, attendedCount: count, closingNotes }, now);
    });
  }

  closingNotes(caller: Caller, event: EventRow): string | null {
    return canManageEvent(caller, event) ? event.closingNotes : null;
  }

  /** The event, if the caller may manage it: unknown and invisible ones are NOT_FOUND, others FORBIDDEN. */
  private managed(caller: Caller, id: string, event: EventRow | null): EventRow {
    if (!event || !canSeeEvent(caller, event)) throw notFound('Event', id);
    if (!canManageEvent(caller, event)) throw forbidden(`Only the coordinators of département ${event.department} can manage this event.`);
    return event;
  }
}

function eventCursor(values: unknown[] | null): EventCursor | null {
  if (!values) return null;
  const [startsAt, id] = values;
  if (typeof startsAt !== 'string' || Number.isNaN(Date.parse(startsAt)) || typeof id !== 'string' || !validate.isUuid(id)) {
    throw badInput('after', 'This cursor is not valid for this list.');
  }
  return [startsAt, id];
}

function nextStatus(current: string, wanted: EventStatus | null | undefined): string {
  if (wanted == null || wanted === current) return current;
  if (wanted === EventStatus.CANCELLED || wanted === EventStatus.COMPLETED) {
    throw badInput('input.status', `Use ${wanted === EventStatus.CANCELLED ? 'cancelEvent' : 'closeEvent'} to make an event ${wanted}.`);
  }
  if (wanted === EventStatus.DRAFT) {
    throw conflict('A published event cannot go back to draft: members may have planned around it. Cancel it instead.', 'input.status');
  }
  return wanted;
}

/** The stored event with the update applied: absent fields kept, null clearing the clearable ones. */
function merged(current: EventRow, input: UpdateEventInput): EventFields {
  let { startsAt, endsAt, registrationDeadline } = current;
  if (input.shiftDays != null) {
    if (input.startsAt != null || input.endsAt != null) throw badInput('input.shiftDays', 'Give either shiftDays or new start and end times, not both.');
    if (!Number.isInteger(input.shiftDays) || Math.abs(input.shiftDays) > 3660) throw badInput('input.shiftDays', 'A whole number of days, at most ten years.');
    startsAt = addParisDays(startsAt, input.shiftDays);
    endsAt = addParisDays(endsAt, input.shiftDays);
    if (registrationDeadline) registrationDeadline = addParisDays(registrationDeadline, input.shiftDays);
  }
  return {
    kind: input.kind ?? current.kind,
    title: input.title ?? current.title,
    description: input.description !== undefined ? input.description : current.description,
    startsAt: input.startsAt ?? startsAt,
    endsAt: input.endsAt ?? endsAt,
    location: input.location !== undefined ? input.location : current.location,
    onlineUrl: input.onlineUrl !== undefined ? input.onlineUrl : current.onlineUrl,
    department: input.department ?? current.department,
    themes: input.themes ?? current.themes,
    capacity: input.capacity !== undefined ? input.capacity : current.capacity,
    joinMode: input.joinMode ?? current.joinMode,
    registrationDeadline: input.registrationDeadline !== undefined ? input.registrationDeadline : registrationDeadline,
  };
}
