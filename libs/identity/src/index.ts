export * from './caller.js';
export * from './identity-header.js';
