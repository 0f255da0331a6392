export * from './visibility-rules.js';
export * from './visibility.decorators.js';
export * from './audit.js';
export * from './apply-visibility.js';
export * from './audit-events.js';
