// The members subgraph consumes the calendar subgraph's domain events (audit.private-read): where it
// is in that log, and which events it has applied.
export { domainEventCursors, processedDomainEvents } from '@pdn/domain-events/tables';
