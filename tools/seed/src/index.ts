export * from './demo-logins.js';
export * from './gers-calendar.js';
export * from './gers-network.js';
export * from './seed-calendar.js';
export * from './seed-network.js';
