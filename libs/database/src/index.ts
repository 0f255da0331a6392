export * from './database-url.js';
export * from './database-timeouts.js';
export * from './open-database.js';
export * from './search-text.js';
export * from './test-database.js';
export * from './keyset.js';
export { countStatementsAsRequest, type StatementOrigin } from './statement-counter.js';
