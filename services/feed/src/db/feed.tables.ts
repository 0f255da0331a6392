import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { domainEventCursors, processedDomainEvents } from './domain-events.tables.js';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export interface StoredLink {
  url: string;
  title: string | null;
}

/** Information shared with the network or the public; a republication points to its original. */
export const posts = pgTable(
  'posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    /** Markdown, as written. */
    body: text('body').notNull(),
    /**
     * Title and body folded by `normalizeForSearch` (lower case, no accents), written by the app: the
     * French text-search index is built on it, so "harcelement" finds "harcèlement" on every engine.
     */
    searchText: text('search_text').notNull().default(''),
    links: jsonb('links').$type<StoredLink[]>().notNull().default([]),
    themes: text('themes').array().notNull().default([]),
    audience: text('audience').notNull(),
    department: text('department').notNull(),
    /** Null once the author erased their account: the post stays, by "ancien membre". */
    authorId: uuid('author_id'),
    structureId: uuid('structure_id'),
    republishedFromId: uuid('republished_from_id'),
    status: text('status').notNull().default('PUBLISHED'),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('posts_published_idx').on(t.publishedAt, t.id),
    index('posts_department_published_idx').on(t.department, t.publishedAt, t.id),
    index('posts_author_idx').on(t.authorId, t.publishedAt),
    index('posts_structure_idx').on(t.structureId),
    index('posts_republished_from_idx').on(t.republishedFromId),
    index('posts_themes_idx').using('gin', t.themes),
    index('posts_search_idx').using('gin', sql`to_tsvector('french', ${t.searchText})`),
    uniqueIndex('posts_one_republication_key').on(t.authorId, t.republishedFromId),
    // What the feed's totalCount reads: who may see a post (status, author) and its original, from the
    // index alone (an index-only scan instead of the whole table, bodies included).
    index('posts_visibility_idx').on(t.status, t.authorId, t.republishedFromId),
    // The few posts that are not published: the visibility rule looks originals up among them.
    index('posts_unpublished_idx').on(t.id).where(sql`${t.status} <> 'PUBLISHED'`),
  ],
);

export const comments = pgTable(
  'comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    /** Null once the author erased their account. */
    authorId: uuid('author_id'),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('comments_post_idx').on(t.postId, t.createdAt, t.id),
    // A member's comments: their personal data, their erasure.
    index('comments_author_idx').on(t.authorId, t.createdAt, t.id),
  ],
);

export const reactions = pgTable(
  'reactions',
  {
    postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id').notNull(),
    reaction: text('reaction').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.memberId, t.reaction] })],
);

export const postReports = pgTable(
  'post_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    /** Null once the reporter erased their account: the report still counts. */
    memberId: uuid('member_id'),
    reason: text('reason').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('post_reports_one_per_member_key').on(t.postId, t.memberId)],
);

export const moderationActions = pgTable(
  'moderation_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    action: text('action').notNull(),
    reason: text('reason').notNull(),
    /** Null once the moderator erased their account. */
    byMemberId: uuid('by_member_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('moderation_actions_post_idx').on(t.postId, t.at)],
);

/** Prevention alerts raised by coordinators; members of the covered départements acknowledge them. */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    severity: text('severity').notNull(),
    category: text('category').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    departments: text('departments').array().notNull(),
    themes: text('themes').array().notNull().default([]),
    /** Null once the coordinator who raised it erased their account: the alert stays. */
    raisedBy: uuid('raised_by'),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by'),
    resolutionNote: text('resolution_note'),
    /** For CRITICAL reminders: when the last one went out. */
    lastRemindedAt: timestamp('last_reminded_at', { withTimezone: true }),
    /** Bumped on every change, so replays and live updates can be ordered. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('alerts_raised_idx').on(t.raisedAt, t.id),
    index('alerts_departments_idx').using('gin', t.departments),
    // The alerts a coordinator raised or resolved: their personal data, their erasure.
    index('alerts_raised_by_idx').on(t.raisedBy, t.raisedAt, t.id),
    index('alerts_resolved_by_idx').on(t.resolvedBy, t.resolvedAt, t.id).where(sql`${t.resolvedBy} is not null`),
  ],
);

export const alertAcknowledgements = pgTable(
  'alert_acknowledgements',
  {
    alertId: uuid('alert_id').notNull().references(() => alerts.id, { onDelete: 'cascade' }),
    /**
     * Null once the member erased their account: the acknowledgement still counts (acknowledgementCount,
     * the yearly rate) but is no one's. One per member and alert while set (NULLs are distinct).
     */
    memberId: uuid('member_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('alert_acknowledgements_alert_member_key').on(t.alertId, t.memberId),
    index('alert_acknowledgements_member_idx').on(t.memberId),
  ],
);

export const feedSchema = {
  posts,
  comments,
  reactions,
  postReports,
  moderationActions,
  alerts,
  alertAcknowledgements,
  domainEventCursors,
  processedDomainEvents,
};
export type FeedSchema = typeof feedSchema;
export type PostRow = typeof posts.$inferSelect;
export type CommentRow = typeof comments.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
