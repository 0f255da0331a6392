import { recordEvents } from '@pdn/domain-events';
import { EventAuditSink } from '@pdn/subgraph';
import type { CalendarDatabase } from '../common/tokens.js';

/**
 * Calendar's reads of members' private fields (`Member.presence` read by a coordinator) go to the
 * members subgraph's audit log: each one an `audit.private-read` event in calendar's outbox, which
 * members follows. A request's events are written together in one small transaction of their own,
 * all or none, before its answer leaves.
 */
export function calendarAuditSink(database: CalendarDatabase): EventAuditSink {
  return new EventAuditSink((events) => recordEvents(database.db, events));
}
