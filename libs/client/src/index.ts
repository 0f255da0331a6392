export * from './generated/graphql.js';
export * from './pdn-client.js';
