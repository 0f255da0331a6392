export * from './caller.js';
export * from './identity-header.js';
export * from './identity.nest.js';
