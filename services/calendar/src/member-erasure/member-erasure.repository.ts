import { Injectable } from '@nestjs/common';
import { and, asc, eq, gt, inArray, notInArray } from 'drizzle-orm';
import {
  calendarFeedTokens,
  events,
  permanences,
  presenceLogs,
  registrations,
} from '../db/calendar.tables.js';
import { foldIntoAnonymousPresence } from '../presence/anonymous-presence.js';
import type { CalendarExecutor } from '../events/events.repository.js';
import { RegistrationsRepository } from '../registrations/registrations.repository.js';

const STANDING = ['CONFIRMED', 'WAITLISTED', 'PENDING_APPROVAL'];
const CLOSED_EVENTS = ['COMPLETED', 'CANCELLED'];

/** Calendar's side of an erasure; every statement runs in the consumer's transaction. */
@Injectable()
export class MemberErasureRepository {
  constructor(private readonly registrationsRepository: RegistrationsRepository) {}

  async deletePermanences(tx: CalendarExecutor, memberId: string): Promise<number> {
    return (await tx.delete(permanences).where(eq(permanences.memberId, memberId)).returning({ id: permanences.id })).length;
  }

  async deleteFeedToken(tx: CalendarExecutor, memberId: string): Promise<void> {
    await tx.delete(calendarFeedTokens).where(eq(calendarFeedTokens.memberId, memberId));
  }

  /** The member's presence logs go; their figures stay in the anonymous monthly totals. */
  foldPresenceLogs(tx: CalendarExecutor, memberId: string): Promise<number> {
    return foldIntoAnonymousPresence(tx, eq(presenceLogs.memberId, memberId));
  }

  /**
   * The member's standing registrations to events still to come are cancelled, as if they had
   * cancelled them: their seats go to the first waitlisted. Each event is locked first, in id order,
   * like a registration locks it, so concurrent registrations take turns with this.
   */
  async cancelStandingRegistrations(tx: CalendarExecutor, memberId: string, now: Date): Promise<number> {
    const standing = await tx
      .select({ id: registrations.id, eventId: registrations.eventId })
      .from(registrations)
      .innerJoin(events, eq(events.id, registrations.eventId))
      .where(
        and(
          eq(registrations.memberId, memberId),
          inArray(registrations.status, STANDING),
          notInArray(events.status, CLOSED_EVENTS),
          gt(events.endsAt, now),
        ),
      )
      .orderBy(asc(registrations.eventId));
    for (const eventId of [...new Set(standing.map((r) => r.eventId))]) {
      const [event] = await tx.select().from(events).where(eq(events.id, eventId)).for('update');
      const ids = standing.filter((r) => r.eventId === eventId).map((r) => r.id);
      await tx
        .update(registrations)
        .set({ status: 'CANCELLED', waitlistPosition: null, updatedAt: now })
        .where(and(inArray(registrations.id, ids), inArray(registrations.status, STANDING)));
      if (event) await this.registrationsRepository.fillSeats(tx, event, now);
    }
    return standing.length;
  }

  /**
   * Every registration of the member loses its member: it still counts (seats, attendance, the
   * yearly figures) but is no one's. So does every decision they took on others' registrations.
   */
  async detachRegistrations(tx: CalendarExecutor, memberId: string, now: Date): Promise<number> {
    const detached = await tx
      .update(registrations)
      .set({ memberId: null, updatedAt: now })
      .where(eq(registrations.memberId, memberId))
      .returning({ id: registrations.id });
    await tx.update(registrations).set({ decidedBy: null }).where(eq(registrations.decidedBy, memberId));
    return detached.length;
  }
}
