import type { Database } from '@pdn/database';
import type { MembersSchema } from '../db/members.tables.js';

/** Injection tokens of what the app module is given from outside (see members-app.ts). */
export const MEMBERS_DATABASE = Symbol('MEMBERS_DATABASE');
export const MEMBERS_SETTINGS = Symbol('MEMBERS_SETTINGS');
export const CLOCK = Symbol('CLOCK');

export type MembersDatabase = Database<MembersSchema>;

/** Injectable time, so tests can move it (token expiry, invitation validity, throttling). */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
