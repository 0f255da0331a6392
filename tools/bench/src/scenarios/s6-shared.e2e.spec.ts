import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FormattedExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { createS6People, graphqlRequest, type S6People, type S6System, startS6System } from './s6-system.js';

// Subscriptions shared per audience (gateway/src/shared-subscriptions), end to end: the built
// subgraphs and gateway in their own processes, real promeneurs in two départements. Members of one
// audience share one upstream subscription, others do not, and a per-viewer field (acknowledgedByMe)
// is answered for each member. Upstream subscriptions are counted by the gateway's
// `pdn_gateway_shared_subscriptions` gauge. Needs `npm run build`.

const serverUrl = process.env['TEST_DATABASE_URL'];
if (!serverUrl) throw new Error('The subgraphs run on PostgreSQL: set TEST_DATABASE_URL.');

const workDir = mkdtempSync(join(tmpdir(), 'pdn-bench-s6-shared-'));
let system: S6System;
let people: S6People;
const clients: Client[] = [];

type Result = FormattedExecutionResult<Record<string, Record<string, unknown>>, unknown>;

/** A client subscription that keeps what it receives. */
function subscribe(token: string, query: string) {
  const client = createClient({ url: system.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  clients.push(client);
  const received: Result[] = [];
  const stop = client.subscribe<Record<string, Record<string, unknown>>>({ query }, { next: (result) => received.push(result), error: () => {}, complete: () => {} });
  return { client, received, stop };
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', system.gatewayUrl))).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const RAISE = 'mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id } }';
const ACKNOWLEDGE = 'mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }';
const raise = async (title: string) =>
  (
    await graphqlRequest<{ raiseAlert: { id: string } }>(
      system.gatewayUrl,
      RAISE,
      { input: { severity: 'WARNING', category: 'VIRAL_CHALLENGE', title, body: 'Un défi dangereux circule.', departments: people.departments } },
      people.coordinator.token,
    )
  ).raiseAlert.id;

beforeAll(async () => {
  system = await startS6System({ databaseServerUrl: serverUrl, workDir, gatewayEnv: { SUBGRAPH_TIMEOUT_MS: '10000' } });
  // Promeneurs 0 and 2 in the Gers (32), promeneur 1 in the Haute-Garonne (31).
  people = await createS6People(system.gatewayUrl, 3, { departments: 2, membersDatabaseUrl: system.databases.members });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map(async (client) => client.dispose()));
  await system?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('subscriptions shared per audience', () => {
  it('runs one upstream subscription per audience, and keeps it for the others when one leaves', async () => {
    const [gers1, garonne, gers2] = people.subscriberTokens as [string, string, string];
    const query = 'subscription { alertRaised { id title raisedBy { displayName structure { name } } } }';
    const subscribers = [subscribe(gers1, query), subscribe(gers2, query), subscribe(gers1, query), subscribe(garonne, query)];
    await until(async () => (await metric('pdn_gateway_active_subscriptions')) === 4, 'the four subscriptions');
    expect(await metric('pdn_gateway_shared_subscriptions')).toBe(2);
    // Live once an alert came through (graphql-ws does not acknowledge a subscription).
    let warmUps = 0;
    await until(async () => {
      if (subscribers.every((s) => s.received.length > 0)) return true;
      await raise(`S6 shared warm-up ${warmUps++}`);
      await sleep(500);
      return subscribers.every((s) => s.received.length > 0);
    }, 'every subscription to be live');
    const id = await raise('S6 shared measured');
    await until(() => subscribers.every((s) => s.received.some((r) => r.data?.['alertRaised']?.['id'] === id)), 'the alert on every subscription');
    for (const s of subscribers) {
      expect(s.received.find((r) => r.data?.['alertRaised']?.['id'] === id)).toEqual({
        data: { alertRaised: { id, title: 'S6 shared measured', raisedBy: { displayName: people.coordinator.displayName, structure: { name: people.coordinator.structureName } } } },
      });
    }

    // The Gers subscriber that came first leaves: the others go on, on the same upstream.
    subscribers[0]!.stop();
    await until(async () => (await metric('pdn_gateway_active_subscriptions')) === 3, 'one subscription fewer');
    expect(await metric('pdn_gateway_shared_subscriptions')).toBe(2);
    const next = await raise('S6 shared after one left');
    await until(() => subscribers.slice(1).every((s) => s.received.some((r) => r.data?.['alertRaised']?.['id'] === next)), 'the next alert on the others');
    // The last of the Haute-Garonne leaves: its upstream stops.
    subscribers[3]!.stop();
    await until(async () => (await metric('pdn_gateway_shared_subscriptions')) === 1, 'the Haute-Garonne upstream to stop');
    subscribers[1]!.stop();
    subscribers[2]!.stop();
    await until(async () => (await metric('pdn_gateway_shared_subscriptions')) === 0, 'every upstream to stop');
  }, 120_000);

  it('answers a per-viewer field for each member: acknowledgedByMe', async () => {
    const [gers1, , gers2] = people.subscriberTokens as [string, string, string];
    // alertRaised is shared within an audience, but not once it selects acknowledgedByMe (through a fragment here).
    const raised = 'subscription { alertRaised { id ...Mine } } fragment Mine on Alert { acknowledgedByMe }';
    const separate = [subscribe(gers1, raised), subscribe(gers2, raised)];
    await until(async () => (await metric('pdn_gateway_active_subscriptions')) === 2, 'both alertRaised subscriptions');
    expect(await metric('pdn_gateway_shared_subscriptions')).toBe(2);
    for (const s of separate) s.stop();
    await until(async () => (await metric('pdn_gateway_shared_subscriptions')) === 0, 'their upstreams to stop');

    // alertUpdated is per viewer itself (CRITICAL reminders go to those who have not acknowledged).
    const query = 'subscription { alertUpdated { id acknowledgedByMe } }';
    const mine = subscribe(gers1, query);
    const theirs = subscribe(gers2, query);
    await until(async () => (await metric('pdn_gateway_active_subscriptions')) === 2, 'both subscriptions');
    // Same audience, but a per-viewer field: one upstream each.
    expect(await metric('pdn_gateway_shared_subscriptions')).toBe(2);
    // The first promeneur acknowledges a new alert until both streams are live and carry it.
    let acknowledged = '';
    await until(async () => {
      acknowledged = await raise(`S6 shared acknowledged ${Date.now()}`);
      await graphqlRequest(system.gatewayUrl, ACKNOWLEDGE, { id: acknowledged }, gers1);
      await sleep(500);
      return [mine, theirs].every((s) => s.received.some((r) => r.data?.['alertUpdated']?.['id'] === acknowledged));
    }, 'the acknowledgement on both streams');
    expect(mine.received.find((r) => r.data?.['alertUpdated']?.['id'] === acknowledged)).toEqual({ data: { alertUpdated: { id: acknowledged, acknowledgedByMe: true } } });
    expect(theirs.received.find((r) => r.data?.['alertUpdated']?.['id'] === acknowledged)).toEqual({ data: { alertUpdated: { id: acknowledged, acknowledgedByMe: false } } });
    mine.stop();
    theirs.stop();
  }, 120_000);
});
