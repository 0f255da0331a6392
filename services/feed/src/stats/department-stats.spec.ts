import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identitySigningKey } from '@pdn/config';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import type { Caller } from '@pdn/identity';
import { createPubSub, type PubSubEngine } from '@pdn/pubsub';
import type { RunningSubgraph } from '@pdn/subgraph';
import { signedGraphql } from '@pdn/subgraph/testing';
import { alertAcknowledgements, alerts, feedSchema, type FeedSchema } from '../db/feed.tables.js';
import { loadFeedSettings } from '../feed.config.js';
import { FEED_MIGRATIONS, startFeed } from '../feed-app.js';
import { printSubgraphSdl } from '../schema.js';
import { admin, anonymous, coordinatorOf, insertPost, partner, promeneur } from '../../test/posts-fixtures.js';

const quiet = { info() {}, warn() {}, error() {} };
const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on DepartmentStats { department year postsPublished republications alertsRaised alertAcknowledgementRate }
} }`;
/** A representation as the gateway sends it for the rate: with activePromeneurs from members (@requires). */
const stats = (department: string, year: number, activePromeneurs?: number) => ({ __typename: 'DepartmentStats', department, year, activePromeneurs });

// Feed's figures of the yearly bilan, as the gateway asks for them (`_entities` after members' root
// field, activePromeneurs in the representation): a small known 2025 in the Gers, with posts and
// alerts just outside it (other years by minutes in Paris time, another département, moderation).
describe('feed subgraph: DepartmentStats figures', () => {
  const settings = loadFeedSettings({ FEED_PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const now = new Date('2026-06-15T10:00:00+02:00');
  const gers = coordinatorOf('32');
  const statements: string[] = [];
  let testDb: TestDatabase<FeedSchema>;
  let pubsub: PubSubEngine;
  let subgraph: RunningSubgraph;
  const graphql = signedGraphql(() => subgraph.url, identitySigningKey(settings));

  async function alert(departments: string[], raisedAt: string, acknowledgements: number) {
    const [row] = await testDb.database.db
      .insert(alerts)
      .values({ severity: 'WARNING', category: 'VIRAL_CHALLENGE', title: 'Défi', body: 'Un défi circule.', departments, raisedBy: randomUUID(), raisedAt: new Date(raisedAt) })
      .returning();
    for (let i = 0; i < acknowledgements; i++) {
      await testDb.database.db.insert(alertAcknowledgements).values({ alertId: row!.id, memberId: randomUUID(), at: new Date(raisedAt) });
    }
  }

  beforeAll(async () => {
    testDb = await createTestDatabase({ service: 'feed', migrationsFolder: FEED_MIGRATIONS, schema: feedSchema, onQuery: (sql) => statements.push(sql) });
    const db = testDb.database;
    // Published from the Gers in 2025: at 00:30 on 1 January and 23:30 on 31 December (Paris), and in February.
    const original = await insertPost(db, { publishedAt: new Date('2025-02-01T10:00:00+01:00') });
    await insertPost(db, { publishedAt: new Date('2024-12-31T23:30:00Z') });
    await insertPost(db, { publishedAt: new Date('2025-12-31T22:30:00Z') });
    // Not counted: 00:30 on 1 January 2026 in Paris; hidden by moderation; published in Haute-Garonne.
    await insertPost(db, { publishedAt: new Date('2025-12-31T23:30:00Z') });
    await insertPost(db, { publishedAt: new Date('2025-05-01T10:00:00+02:00'), status: 'HIDDEN' });
    const elsewhere = await insertPost(db, { department: '31', publishedAt: new Date('2025-05-01T10:00:00+02:00') });
    // Republications by members of the Gers in 2025 (two); one hidden, one from Haute-Garonne.
    await insertPost(db, { republishedFromId: elsewhere.id, publishedAt: new Date('2025-06-01T10:00:00+02:00') });
    await insertPost(db, { republishedFromId: elsewhere.id, publishedAt: new Date('2025-07-01T10:00:00+02:00') });
    await insertPost(db, { republishedFromId: elsewhere.id, publishedAt: new Date('2025-07-02T10:00:00+02:00'), status: 'HIDDEN' });
    await insertPost(db, { republishedFromId: original.id, department: '31', publishedAt: new Date('2025-07-03T10:00:00+02:00') });
    // Alerts covering the Gers in 2025 (one shared with Haute-Garonne): 5 acknowledgements.
    await alert(['32'], '2025-03-01T10:00:00+01:00', 3);
    await alert(['31', '32'], '2025-09-01T10:00:00+02:00', 2);
    // Not counted: Haute-Garonne only; 00:30 on 1 January 2026 in Paris; 2024.
    await alert(['31'], '2025-04-01T10:00:00+02:00', 5);
    await alert(['32'], '2025-12-31T23:30:00Z', 1);
    await alert(['32'], '2024-06-01T10:00:00+02:00', 4);
    pubsub = createPubSub({ logger: quiet });
    subgraph = await startFeed(settings, { database: db, clock: { now: () => now }, pubsub });
  });

  afterAll(async () => {
    await subgraph?.close();
    await pubsub?.close();
    await testDb?.dispose();
  });

  it("should count every figure of the Gers' 2025 exactly, the rate over the active promeneurs members sent", async () => {
    const body = await graphql(ENTITIES, gers, { representations: [stats('32', 2025, 4)] });
    expect(body.errors).toBeUndefined();
    // 5 acknowledgements / (2 alerts × 4 active promeneurs).
    expect(body.data._entities).toEqual([{ department: '32', year: 2025, postsPublished: 3, republications: 2, alertsRaised: 2, alertAcknowledgementRate: 5 / 8 }]);
  });

  it('should answer a rate of 0 when there is no active promeneur or no alert', async () => {
    const body = await graphql(ENTITIES, gers, { representations: [stats('32', 2025, 0), stats('32', 2023, 4)] });
    expect(body.data._entities).toEqual([
      { department: '32', year: 2025, postsPublished: 3, republications: 2, alertsRaised: 2, alertAcknowledgementRate: 0 },
      { department: '32', year: 2023, postsPublished: 0, republications: 0, alertsRaised: 0, alertAcknowledgementRate: 0 },
    ]);
  });

  it('should resolve several years in one batch: the same statements as for one key', async () => {
    statements.length = 0;
    await graphql(ENTITIES, gers, { representations: [stats('32', 2025, 4)] });
    const oneKey = statements.length;
    statements.length = 0;
    const body = await graphql(ENTITIES, admin(), { representations: [stats('32', 2024, 8), stats('32', 2025, 4), stats('32', 2026, 1), stats('31', 2025, 5)] });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      { department: '32', year: 2024, postsPublished: 0, republications: 0, alertsRaised: 1, alertAcknowledgementRate: 4 / 8 },
      { department: '32', year: 2025, postsPublished: 3, republications: 2, alertsRaised: 2, alertAcknowledgementRate: 5 / 8 },
      { department: '32', year: 2026, postsPublished: 1, republications: 0, alertsRaised: 1, alertAcknowledgementRate: 1 },
      { department: '31', year: 2025, postsPublished: 1, republications: 1, alertsRaised: 2, alertAcknowledgementRate: 7 / 10 },
    ]);
    // One statement for the posts, one for the alerts.
    expect(statements.length).toBe(oneKey);
    expect(statements.length).toBe(2);
  });

  it('should take activePromeneurs from members through @requires, and fail without it', async () => {
    const sdl = await printSubgraphSdl();
    expect(sdl).toMatch(/activePromeneurs: Int! @external/);
    expect(sdl).toMatch(/alertAcknowledgementRate: Float! @requires\(fields: "activePromeneurs"\)/);
    // Only a request that bypasses the gateway's plan lacks it: an internal error, not a made-up rate.
    const body = await graphql(ENTITIES, gers, { representations: [stats('32', 2025)] });
    expect(body.data._entities).toEqual([null]);
    expect(body.errors?.[0]).toMatchObject({ path: ['_entities', 0, 'alertAcknowledgementRate'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('should refuse in _entities whoever the root field refuses', async () => {
    const refusal = async (who: Caller, representation = stats('32', 2025, 4)) => {
      const body = await graphql(ENTITIES, who, { representations: [representation] });
      expect(body.data?._entities?.[0] ?? null).toBeNull();
      return body.errors?.[0]?.extensions;
    };
    expect(await refusal(anonymous)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refusal(partner)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(promeneur('ACTIVE', '32'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(coordinatorOf('31'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(gers, stats('32', 2028, 4))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
  });
});
