export * from './vocabulary.js';
export * from './former-member.js';
export * as validate from './validation.js';
