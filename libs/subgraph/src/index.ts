export * from './scalars.js';
export * from './subgraph-graphql.module.js';
export * from './start-subgraph.js';
export * from './start-service.js';
export * from './clock.js';
export * from './schema-only.js';
export * from './paris-time.js';
export * from './subgraph-subscriptions.js';
