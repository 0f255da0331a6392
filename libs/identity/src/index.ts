export * from './caller.js';
export * from './identity-header.js';
export * from './secret-tokens.js';
