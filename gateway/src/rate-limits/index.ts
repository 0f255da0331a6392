export * from './admission.js';
export * from './client-address.js';
export * from './limit-by-address.js';
export * from './rate-limit-responses.js';
export * from './rate-limit-store.js';
export * from './rate-limiter.js';
export * from './redis-store.js';
