import { sql } from 'drizzle-orm';
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { apiKeys } from './api-keys.tables.js';
import { auditEntries } from './audit.tables.js';
import { outbox } from './outbox.tables.js';
import { domainEventCursors, processedDomainEvents } from './domain-events.tables.js';

/** A presence channel as stored: the contract's PresenceChannel. */
export interface StoredChannel {
  network: string;
  handle: string;
  url: string | null;
}

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const structures = pgTable(
  'structures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    address: text('address'),
    postalCode: text('postal_code'),
    commune: text('commune').notNull(),
    inseeCode: text('insee_code'),
    department: text('department').notNull(),
    email: text('email'),
    phone: text('phone'),
    website: text('website'),
    channels: jsonb('channels').$type<StoredChannel[]>().notNull().default([]),
    /** Accent- and case-folded name and commune, for search and for a stable sort. */
    searchText: text('search_text').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('structures_department_idx').on(t.department, t.searchText, t.id),
    // The national list (no filter) and the kinds filter, in the list's order (search_text, id).
    index('structures_sort_idx').on(t.searchText, t.id),
    index('structures_kind_idx').on(t.kind, t.searchText, t.id),
    index('structures_search_idx').using('gin', sql`to_tsvector('simple', ${t.searchText})`),
  ],
);

export const members = pgTable(
  'members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    passwordHash: text('password_hash'),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    displayName: text('display_name').notNull(),
    phone: text('phone'),
    role: text('role').notNull(),
    status: text('status').notNull(),
    jobTitle: text('job_title'),
    structureId: uuid('structure_id').references(() => structures.id),
    department: text('department').notNull(),
    /** Départements a coordinator runs besides their own. */
    coordinatedDepartments: text('coordinated_departments').array().notNull().default([]),
    themes: text('themes').array().notNull().default([]),
    audiences: text('audiences').array().notNull().default([]),
    channels: jsonb('channels').$type<StoredChannel[]>().notNull().default([]),
    weeklyHoursCommitment: doublePrecision('weekly_hours_commitment').notNull().default(2),
    charterVersion: text('charter_version'),
    charterAcceptedAt: timestamp('charter_accepted_at', { withTimezone: true }),
    /** Folded names and job title: searched together with the structure's search text. */
    searchText: text('search_text').notNull(),
    /** Folded "last first": the directory's default order. */
    sortKey: text('sort_key').notNull(),
    /** Set when the member erased their account (eraseMyAccount): the row is then anonymous, status LEFT. */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('members_email_key').on(sql`lower(${t.email})`),
    index('members_department_status_idx').on(t.department, t.status, t.sortKey, t.id),
    index('members_structure_idx').on(t.structureId),
    index('members_themes_idx').using('gin', t.themes),
    index('members_search_idx').using('gin', sql`to_tsvector('simple', ${t.searchText})`),
  ],
);

export const statusChanges = pgTable(
  'status_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memberId: uuid('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    reason: text('reason').notNull(),
    byMemberId: uuid('by_member_id').references(() => members.id, { onDelete: 'set null' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('status_changes_member_idx').on(t.memberId, t.at)],
);

/** One signed-in device: a family of rotating refresh tokens, revoked as a whole. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memberId: uuid('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('sessions_member_idx').on(t.memberId)],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' }),
    /** SHA-256 of the token: the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Set when exchanged for a new token; presenting it again means it was stolen. */
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash), index('refresh_tokens_session_idx').on(t.sessionId)],
);

export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    role: text('role').notNull(),
    structureId: uuid('structure_id').references(() => structures.id),
    department: text('department').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => members.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    memberId: uuid('member_id').references(() => members.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('invitations_token_hash_key').on(t.tokenHash), index('invitations_email_idx').on(sql`lower(${t.email})`)],
);

/** Outgoing e-mail, written in the same transaction as what caused it; a sender delivers later. */
export const emailOutbox = pgTable('email_outbox', {
  id: uuid('id').primaryKey().defaultRandom(),
  recipient: text('recipient').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  createdAt: createdAt(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
});

/** Failed sign-ins per e-mail address, for throttling (also for unknown addresses). */
export const loginThrottle = pgTable('login_throttle', {
  email: text('email').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});


export const membersSchema = {
  structures,
  members,
  statusChanges,
  sessions,
  refreshTokens,
  invitations,
  emailOutbox,
  loginThrottle,
  apiKeys,
  auditEntries,
  outbox,
  domainEventCursors,
  processedDomainEvents,
};
export type MembersSchema = typeof membersSchema;
export type MemberRow = typeof members.$inferSelect;
export type StructureRow = typeof structures.$inferSelect;
