export * from './error-codes.js';
export * from './domain-error.js';
export * from './format-error.js';
export * from './unavailable.js';
