import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import type { CalendarDatabase } from '../src/common/tokens.js';
import { events, registrations, type EventRow, type RegistrationRow } from '../src/db/calendar.tables.js';

// Test support for the feeds: event and registration rows written straight into the tables (as the
// events and registrations features would), and feeds read back with a real iCalendar parser.

export class TestClock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date): void {
    this.current = new Date(at);
  }
}

export const ORGANIZER_ID = '00000000-0000-4000-8000-00000000c032';

export async function insertEvent(database: CalendarDatabase, values: Partial<typeof events.$inferInsert> = {}): Promise<EventRow> {
  const startsAt = values.startsAt ?? new Date('2026-04-10T08:00:00Z');
  const [row] = await database.db
    .insert(events)
    .values({
      kind: 'REGROUPEMENT',
      title: 'Regroupement départemental',
      department: '32',
      status: 'PUBLISHED',
      organizerId: ORGANIZER_ID,
      startsAt,
      endsAt: new Date(new Date(startsAt).getTime() + 7 * 3_600_000),
      ...values,
    })
    .returning();
  return row!;
}

export async function insertRegistration(database: CalendarDatabase, event: EventRow, memberId: string, status: string): Promise<RegistrationRow> {
  const [row] = await database.db.insert(registrations).values({ eventId: event.id, memberId, status }).returning();
  return row!;
}

export const newMemberId = () => randomUUID();

export interface ParsedFeedEvent {
  uid: string;
  summary: string;
  description: string | null;
  status: string;
  sequence: number;
  start: Date;
  end: Date;
  /** DTSTART's wall-clock time and zone, as the parser read them, e.g. `10:00 Europe/Paris`. */
  localStart: string;
  categories: string[];
  url: string | null;
  location: string | null;
}

/** The feed as a calendar app reads it (ical.js), each event with what the tests look at. */
export function parseFeed(text: string): { name: unknown; events: ParsedFeedEvent[] } {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const parsed = calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    const start = event.startDate;
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description ?? null,
      status: String(component.getFirstPropertyValue('status')),
      sequence: event.sequence,
      start: start.toJSDate(),
      end: event.endDate.toJSDate(),
      localStart: `${String(start.hour).padStart(2, '0')}:${String(start.minute).padStart(2, '0')} ${start.zone?.tzid ?? ''}`.trim(),
      categories: (component.getFirstProperty('categories')?.getValues() ?? []).map(String),
      url: (component.getFirstPropertyValue('url') as string | null) ?? null,
      location: event.location ?? null,
    };
  });
  return { name: calendar.getFirstPropertyValue('x-wr-calname'), events: parsed };
}
