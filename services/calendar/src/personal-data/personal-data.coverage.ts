import type { PersonalDataCoverage } from '@pdn/subgraph';
import type { CalendarSchema } from '../db/calendar.tables.js';

/**
 * What calendar's part of `myPersonalData` holds, table by table (paths are in the part). The spec
 * checks this map against the tables and the export against this map: a new table, or a column that
 * may hold a member id, fails it until it is classified here.
 */
export const calendarPersonalDataCoverage: PersonalDataCoverage<CalendarSchema> = {
  events: { subjects: { organizerId: 'organisedEvents' } },
  registrations: {
    subjects: {
      memberId: 'registrations',
      decidedBy: {
        excluded: "a coordinator's decisions on other members' registrations are those members' data: each gets them in their own export",
      },
    },
  },
  permanences: { subjects: { memberId: 'permanences' } },
  presenceLogs: {
    subjects: { memberId: 'presenceLogs' },
    otherIds: { structureId: 'the structure the member worked for that day' },
  },
  anonymousPresence: { notExported: 'anonymous monthly totals per département: nothing in them points to a member' },
  calendarFeedTokens: {
    subjects: { memberId: 'calendarFeed' },
    omit: { tokenHash: 'the hash of the private feed address: a secret' },
  },
  domainEventCursors: { notExported: "this subgraph's place in the other subgraphs' event logs: nothing about a person" },
  processedDomainEvents: {
    notExported: 'the ids of the domain events this subgraph has applied (their effects are exported where they are held)',
    otherIds: { eventId: 'a domain event' },
  },
  outbox: {
    notExported:
      "domain events on their way to members (audit.private-read: a coordinator's read of presence): transport, not a record; members' audit log holds the reads and exports them as privateDataReads",
    otherIds: { id: "the event's own id" },
  },
};
