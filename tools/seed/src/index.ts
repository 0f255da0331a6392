export * from './demo-logins.js';
export * from './gers-calendar.js';
export * from './gers-feed.js';
export * from './gers-feed-texts.js';
export * from './gers-network.js';
export * from './seed-calendar.js';
export * from './seed-feed.js';
export * from './seed-network.js';
