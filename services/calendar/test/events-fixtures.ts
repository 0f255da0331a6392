import { randomUUID } from 'node:crypto';
import type { Caller, MemberCaller, MemberStatus } from '@pdn/identity';
import type { Clock } from '@pdn/subgraph';
import type { CalendarDatabase } from '../src/common/tokens.js';
import { events, type EventRow } from '../src/db/calendar.tables.js';

/** Callers as the gateway signs them: members carry their role, status and départements. */
export function promeneur(status: MemberStatus = 'ACTIVE', department = '32'): MemberCaller {
  return { kind: 'member', memberId: randomUUID(), role: 'PROMENEUR', status, departments: [department] };
}

export function coordinatorOf(...departments: string[]): MemberCaller {
  return { kind: 'member', memberId: randomUUID(), role: 'COORDINATOR', status: 'ACTIVE', departments };
}

export function admin(): MemberCaller {
  return { kind: 'member', memberId: randomUUID(), role: 'ADMIN', status: 'ACTIVE', departments: [] };
}

export const anonymous: Caller = { kind: 'anonymous' };
export const partner: Caller = { kind: 'partner', apiKeyId: randomUUID(), scopes: ['CALENDAR_READ'], departments: ['32'] };

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date | string): void {
    this.current = new Date(instant);
  }
}

/** An event written straight into the database (a published OPEN training in the Gers by default). */
export async function insertEvent(database: CalendarDatabase, values: Partial<typeof events.$inferInsert> = {}): Promise<EventRow> {
  const [row] = await database.db
    .insert(events)
    .values({
      kind: 'TRAINING',
      title: 'Formation réseaux sociaux',
      startsAt: new Date('2026-12-03T09:00:00+01:00'),
      endsAt: new Date('2026-12-03T17:00:00+01:00'),
      department: '32',
      status: 'PUBLISHED',
      organizerId: randomUUID(),
      ...values,
    })
    .returning();
  return row!;
}

export { refusal } from '@pdn/errors/testing';
