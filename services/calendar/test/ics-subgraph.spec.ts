import 'reflect-metadata';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { signIdentity, type Caller, type MemberCaller } from '@pdn/identity';
import type { RunningSubgraph } from '@pdn/subgraph';
import { pino } from 'pino';
import { CALENDAR_MIGRATIONS, startCalendar } from '../src/calendar-app.js';
import { loadCalendarSettings } from '../src/calendar.config.js';
import { calendarSchema, type CalendarSchema, type EventRow } from '../src/db/calendar.tables.js';
import { insertEvent, insertRegistration, newMemberId, parseFeed, TestClock } from './ics-fixtures.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type GraphQLResponse = { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };

// The feeds as calendar apps fetch them: plain HTTP GETs on the subgraph, no identity header; the
// private feed's token comes from the signed GraphQL mutation, as the gateway would send it.
describe('calendar subgraph iCalendar feeds over HTTP', () => {
  const settings = loadCalendarSettings({ CALENDAR_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'https://pdn.test' });
  const key = identitySigningKey(settings);
  const clock = new TestClock(new Date('2026-03-20T12:00:00Z'));
  const memberId = newMemberId();
  const member: MemberCaller = { kind: 'member', memberId, role: 'PROMENEUR', status: 'ACTIVE', departments: ['32'] };
  let testDb: TestDatabase<CalendarSchema>;
  let subgraph: RunningSubgraph;
  let origin: string;
  let before: EventRow;
  let after: EventRow;
  let cancelled: EventRow;
  const logLines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    }),
  );

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema });
    // 10:00 in Paris on each side of the change to summer time (2026-03-29).
    before = await insertEvent(testDb.database, { title: 'Regroupement de printemps', startsAt: new Date('2026-03-28T09:00:00Z'), endsAt: new Date('2026-03-28T16:00:00Z'), sequence: 2 });
    after = await insertEvent(testDb.database, { title: 'Atelier Discord', kind: 'WORKSHOP', startsAt: new Date('2026-03-30T08:00:00Z'), endsAt: new Date('2026-03-30T10:00:00Z') });
    cancelled = await insertEvent(testDb.database, { title: 'Webinaire', kind: 'WEBINAR', status: 'CANCELLED', department: '65', sequence: 1 });
    await insertEvent(testDb.database, { title: 'Brouillon', status: 'DRAFT' });
    await insertRegistration(testDb.database, after, memberId, 'CONFIRMED');
    await insertRegistration(testDb.database, cancelled, memberId, 'CANCELLED');
    await insertRegistration(testDb.database, before, memberId, 'WAITLISTED');
    subgraph = await startCalendar(settings, { database: testDb.database, clock, logger });
    origin = new URL(subgraph.url).origin;
  });

  afterAll(async () => {
    await subgraph?.close();
    await testDb?.dispose();
  });

  async function graphql(query: string, caller: Caller): Promise<GraphQLResponse> {
    const response = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signIdentity(caller, key) },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as GraphQLResponse;
  }

  async function rotate(): Promise<{ url: string; token: string }> {
    const body = await graphql('mutation { rotateCalendarFeedToken { url token createdAt } }', member);
    expect(body.errors).toBeUndefined();
    return body.data.rotateCalendarFeedToken;
  }

  /** The feed URL's path, on this subgraph (the URL itself points at the public gateway). */
  const onSubgraph = (feedUrl: string) => `${origin}${new URL(feedUrl).pathname}`;

  it('should serve public events as text/calendar without any identity header', async () => {
    const response = await fetch(`${origin}/ics/events.ics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=600');
    expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(new Date(response.headers.get('last-modified')!).getTime()).not.toBeNaN();
    const text = await response.text();
    expect(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    const { events } = parseFeed(text);
    expect(events.map((e) => [e.uid, e.status, e.sequence, e.localStart])).toEqual([
      [`${before.id}@pdn-network`, 'CONFIRMED', 2, '10:00 Europe/Paris'],
      [`${after.id}@pdn-network`, 'CONFIRMED', 0, '10:00 Europe/Paris'],
      [`${cancelled.id}@pdn-network`, 'CANCELLED', 1, '10:00 Europe/Paris'],
    ]);
    expect(events.slice(0, 2).map((e) => e.start)).toEqual([before.startsAt, after.startsAt]);
  });

  it('should answer 304 without a body to a request that holds the current ETag', async () => {
    const etag = (await fetch(`${origin}/ics/events.ics`)).headers.get('etag')!;
    const response = await fetch(`${origin}/ics/events.ics`, { headers: { 'if-none-match': etag } });
    expect(response.status).toBe(304);
    expect(response.headers.get('etag')).toBe(etag);
    expect(await response.text()).toBe('');
    expect((await fetch(`${origin}/ics/events.ics`, { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
  });

  it('should not answer 304 on If-Modified-Since alone, which cannot see an event leave the feed', async () => {
    const response = await fetch(`${origin}/ics/events.ics`, { headers: { 'if-modified-since': 'Fri, 01 Jan 2100 00:00:00 GMT' } });
    expect(response.status).toBe(200);
  });

  it('should answer HEAD with the same headers and no body', async () => {
    const get = await fetch(`${origin}/ics/events.ics`);
    const head = await fetch(`${origin}/ics/events.ics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(head.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(await head.text()).toBe('');
  });

  it('should filter on department and kind from the query string', async () => {
    const { events } = parseFeed(await (await fetch(`${origin}/ics/events.ics?department=32&kind=WORKSHOP`)).text());
    expect(events.map((e) => e.uid)).toEqual([`${after.id}@pdn-network`]);
  });

  it('should answer 400 with a plain-text reason to a bad parameter', async () => {
    const response = await fetch(`${origin}/ics/events.ics?department=99x`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('Bad parameter department: "99x" is not a French département code (01–95, 2A, 2B, 971–976).\n');
    const kind = await fetch(`${origin}/ics/events.ics?kind=PARTY`);
    expect(kind.status).toBe(400);
    expect(await kind.text()).toMatch(/^Bad parameter kind: "PARTY" is not an event kind/);
  });

  it('should refuse the token mutation to anonymous callers', async () => {
    const body = await graphql('mutation { rotateCalendarFeedToken { url } }', { kind: 'anonymous' });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("should serve the member's feed at the URL the mutation returns, and 404 at the old one once rotated", async () => {
    expect((await graphql('{ myCalendarFeed }', member)).data).toEqual({ myCalendarFeed: false });
    const first = await rotate();
    expect(first.url).toBe(`https://pdn.test/ics/members/${first.token}.ics`);
    expect((await graphql('{ myCalendarFeed }', member)).data).toEqual({ myCalendarFeed: true });

    const response = await fetch(onSubgraph(first.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('private, max-age=600');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const { events } = parseFeed(await response.text());
    expect(events.map((e) => [e.uid, e.status])).toEqual([
      [`${after.id}@pdn-network`, 'CONFIRMED'],
      [`${cancelled.id}@pdn-network`, 'CANCELLED'],
    ]);

    const second = await rotate();
    const old = await fetch(onSubgraph(first.url));
    expect(old.status).toBe(404);
    expect(await old.text()).toBe('Not found.\n');
    expect((await fetch(onSubgraph(second.url))).status).toBe(200);
  });

  it('should answer 404 without detail to an unknown or malformed token', async () => {
    for (const path of [`/ics/members/${'A'.repeat(43)}.ics`, '/ics/members/nope.ics', `/ics/members/${'A'.repeat(43)}`]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('Not found.\n');
    }
  });

  it('should stop serving a revoked feed', async () => {
    const feed = await rotate();
    expect((await graphql('mutation { revokeCalendarFeed }', member)).data).toEqual({ revokeCalendarFeed: true });
    expect((await fetch(onSubgraph(feed.url))).status).toBe(404);
  });

  it("should keep a private feed's secret out of the request log", async () => {
    const feed = await rotate();
    await fetch(onSubgraph(feed.url));
    await fetch(`${origin}/ics/members/${'B'.repeat(43)}.ics`);
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'request', path: '/ics/members/{token}.ics', status: 200 }));
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'request', path: '/ics/members/{token}.ics', status: 404 }));
    const logged = JSON.stringify(logLines);
    expect(logged).not.toContain(feed.token);
    expect(logged).not.toContain('B'.repeat(43));
  });
});
