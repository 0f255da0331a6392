// The feed subgraph consumes the members subgraph's domain events (member.erased): where it is in
// that log, and which events it has applied.
export { domainEventCursors, processedDomainEvents } from '@pdn/domain-events/tables';
