// The calendar subgraph produces domain events too (audit.private-read, read by members): its outbox,
// served at GET /events.
export { outbox } from '@pdn/domain-events/tables';
