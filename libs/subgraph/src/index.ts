export * from './scalars.js';
export * from './subgraph-graphql.module.js';
export * from './start-subgraph.js';
