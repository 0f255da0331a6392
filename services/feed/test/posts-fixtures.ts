import { randomUUID } from 'node:crypto';
import type { Caller, MemberCaller, MemberStatus } from '@pdn/identity';
import type { Clock } from '@pdn/subgraph';
import type { FeedDatabase } from '../src/common/tokens.js';
import { posts, type PostRow } from '../src/db/feed.tables.js';
import { searchTextOf } from '../src/posts/post-rules.js';

/** Callers as the gateway signs them: members carry their role, status, départements and structure. */
export function promeneur(status: MemberStatus = 'ACTIVE', department = '32', structureId: string = randomUUID()): MemberCaller {
  return { kind: 'member', memberId: randomUUID(), role: 'PROMENEUR', status, departments: [department], structureId };
}

export function coordinatorOf(...departments: string[]): MemberCaller {
  return { kind: 'member', memberId: randomUUID(), role: 'COORDINATOR', status: 'ACTIVE', departments, structureId: randomUUID() };
}

export function admin(): MemberCaller {
  return { kind: 'member', memberId: randomUUID(), role: 'ADMIN', status: 'ACTIVE', departments: [] };
}

export const anonymous: Caller = { kind: 'anonymous' };
export const partner: Caller = { kind: 'partner', apiKeyId: randomUUID(), scopes: ['FEED_READ'], departments: ['32'] };

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date | string): void {
    this.current = new Date(instant);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** A post written straight into the database (a PUBLIC news item in the Gers by default). */
export async function insertPost(database: FeedDatabase, values: Partial<typeof posts.$inferInsert> = {}): Promise<PostRow> {
  const title = values.title ?? 'Nouvelle permanence en ligne';
  const body = values.body ?? 'Le BIJ répond aux jeunes sur Instagram le mercredi soir.';
  const [row] = await database.db
    .insert(posts)
    .values({
      kind: 'NEWS',
      audience: 'PUBLIC',
      department: '32',
      authorId: randomUUID(),
      structureId: randomUUID(),
      publishedAt: new Date('2026-11-20T09:00:00+01:00'),
      ...values,
      title,
      body,
      searchText: searchTextOf(title, body),
    })
    .returning();
  return row!;
}

export { refusal } from '@pdn/errors/testing';
