// The members subgraph produces domain events (member.erased, …): its outbox, served at GET /events.
export { outbox } from '@pdn/domain-events/tables';
