export * from './audience.js';
export * from './hub.js';
