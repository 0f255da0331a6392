export * from './vocabulary.js';
export * as validate from './validation.js';
