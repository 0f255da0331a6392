export * from './demo-logins.js';
export * from './gers-network.js';
export * from './seed-network.js';
