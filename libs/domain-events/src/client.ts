// What a process that only reads a producer's log needs (the gateway follows members' session events):
// no database, no Nest. `@pdn/domain-events/client`.
export * from './domain-event.js';
export * from './event-source.js';
export * from './catalogue.js';
export * from './settings.js';
