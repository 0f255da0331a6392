import type { Database } from '@pdn/database';
import type { MembersSchema } from '../db/members.tables.js';

export { CLOCK, systemClock, type Clock } from '@pdn/subgraph';

/** Injection tokens of what the app module is given from outside (see members-app.ts). */
export const MEMBERS_DATABASE = Symbol('MEMBERS_DATABASE');
export const MEMBERS_SETTINGS = Symbol('MEMBERS_SETTINGS');

export type MembersDatabase = Database<MembersSchema>;
