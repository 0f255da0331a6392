import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import {
  ApiKeysDocument,
  type ApiScope,
  CreateApiKeyDocument,
  type CreateApiKeyInput,
  LiveAlertRaisedDocument,
  LivePostPublishedDocument,
  LivePublishPostDocument,
  PdnClient,
  type PdnResult,
  PublicDirectoryDocument,
  RevokeApiKeyDocument,
} from '@pdn/client';
import type { RunningGateway } from '@pdn/gateway';
import { activate, createStructure, join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

// Partner applications as they live: a coordinator creates a key in the console, the partner's
// website reads the API with it over HTTP and graphql-ws, and a revocation or an expiry stops it on
// every gateway from the very next request.

const codeOf = (result: PdnResult<unknown>) => result.errors?.[0]?.extensions?.['code'];

function ok<T>(result: PdnResult<T>, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

describe('partner API keys through the gateway', () => {
  let system: RunningSystem;
  let admin: PdnClient;
  let coordinator: Person;
  let landesCoordinator: Person;
  let promeneur: Person;
  const sockets: Client[] = [];

  async function createKey(by: PdnClient, input: Partial<CreateApiKeyInput> = {}) {
    const scopes: ApiScope[] = ['DIRECTORY_READ', 'FEED_READ'];
    return ok(await by.request(CreateApiKeyDocument, { input: { name: 'Site de la CAF du Gers', scopes, departments: ['32'], ...input } }), 'createApiKey').createApiKey;
  }

  /** A graphql-ws connection; resolves once acknowledged, or with the close event that refused it. */
  function connect(connectionParams: Record<string, unknown>, gatewayUrl = system.gatewayUrl): Promise<{ client: Client; closed?: { code: number; reason: string } }> {
    return new Promise((resolve) => {
      const client = createClient({
        url: gatewayUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => {},
        on: {
          connected: () => resolve({ client }),
          closed: (event) => {
            // A CloseEvent: its fields are getters.
            const { code, reason } = event as { code: number; reason: string };
            resolve({ client, closed: { code, reason } });
          },
        },
      });
      sockets.push(client);
    });
  }

  beforeAll(async () => {
    system = await startSystem();
    admin = await signInAdmin(system);
    const structureId = await createStructure(admin);
    coordinator = await join(system, admin, { structureId: null, email: 'coordination@caf32.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    landesCoordinator = await join(system, admin, { structureId: null, email: 'coordination@caf40.test', firstName: 'Marc', lastName: 'Lartigue', role: 'COORDINATOR', department: '40' });
    promeneur = await activate(
      system,
      coordinator.client,
      await join(system, coordinator.client, { structureId, email: 'isabelle@bij-auch.test', firstName: 'Isabelle', lastName: 'Laffargue' }),
    );
  });

  afterAll(async () => {
    await Promise.all(sockets.map(async (socket) => socket.dispose()));
    await system?.close();
  });

  it('should let a coordinator create a key whose secret lets a partner read the API, once shown', async () => {
    const created = await createKey(coordinator.client, { rateLimitPerMinute: 100 });
    expect(created.secret).toMatch(/^pdn_live_/);
    expect(created.key).toMatchObject({ scopes: ['DIRECTORY_READ', 'FEED_READ'], departments: ['32'], persistedOnly: false, rateLimitPerMinute: 100, lastUsedAt: null, createdBy: { id: coordinator.id } });

    const partner = system.anonymous.withApiKey(created.secret);
    const directory = await partner.request(PublicDirectoryDocument, { filter: { department: '32' } });
    expect(directory.status).toBe(200);
    expect(directory.errors).toBeUndefined();
    expect(directory.data!.members.edges.map((e) => e.node.id)).toContain(promeneur.id);

    const listed = ok(await coordinator.client.request(ApiKeysDocument), 'apiKeys').apiKeys.find((k) => k.id === created.key.id);
    expect(listed?.lastUsedAt).toEqual(expect.any(String));
    expect(JSON.stringify(listed)).not.toContain(created.secret);
  });

  it('should keep each coordinator to their départements, and refuse promeneurs', async () => {
    expect(codeOf(await coordinator.client.request(CreateApiKeyDocument, { input: { name: 'Landes', scopes: ['FEED_READ'], departments: ['40'] } }))).toBe('FORBIDDEN');
    expect(codeOf(await promeneur.client.request(CreateApiKeyDocument, { input: { name: 'Moi', scopes: ['FEED_READ'], departments: ['32'] } }))).toBe('FORBIDDEN');
    expect(codeOf(await system.anonymous.request(ApiKeysDocument))).toBe('UNAUTHENTICATED');
    const refused = await coordinator.client.request(CreateApiKeyDocument, { input: { name: 'Gers', scopes: [], departments: ['32'] } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scopes' });

    const landesKey = await createKey(landesCoordinator.client, { name: 'Landes', departments: ['40'] });
    const gersKeys = ok(await coordinator.client.request(ApiKeysDocument), 'apiKeys').apiKeys;
    expect(gersKeys.map((k) => k.id)).not.toContain(landesKey.key.id);
    expect(gersKeys.every((k) => k.departments.includes('32'))).toBe(true);
    expect(codeOf(await coordinator.client.request(RevokeApiKeyDocument, { id: landesKey.key.id }))).toBe('NOT_FOUND');
    expect(ok(await admin.request(ApiKeysDocument), 'apiKeys').apiKeys.map((k) => k.id)).toContain(landesKey.key.id);
  });

  it('should refuse a revoked key from the very next request, on every gateway replica', async () => {
    const { secret, key } = await createKey(coordinator.client);
    const second: RunningGateway = await system.startGateway();
    const onFirst = system.anonymous.withApiKey(secret);
    const partnerOnSecond = new PdnClient(second.url, { apiKey: secret });
    expect((await onFirst.request(PublicDirectoryDocument, {})).status).toBe(200);
    expect((await partnerOnSecond.request(PublicDirectoryDocument, {})).status).toBe(200);
    const { client: openBefore, closed: notClosed } = await connect({ apiKey: secret }, second.url);
    expect(notClosed).toBeUndefined();

    const revoked = ok(await coordinator.client.request(RevokeApiKeyDocument, { id: key.id }), 'revokeApiKey').revokeApiKey;
    expect(revoked.revokedAt).toEqual(expect.any(String));

    for (const partner of [partnerOnSecond, onFirst]) {
      const refused = await partner.request(PublicDirectoryDocument, {});
      expect(refused.status).toBe(401);
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.[0]).toMatchObject({ message: expect.stringContaining('revoked'), extensions: { code: 'UNAUTHENTICATED' } });
    }
    const { closed } = await connect({ apiKey: secret }, second.url);
    expect(closed).toMatchObject({ code: 4401, reason: expect.stringContaining('revoked') });
    // A connection opened before the revocation gets its next subscription refused, and is closed.
    const refusal = await new Promise<unknown>((resolve) => {
      openBefore.subscribe({ query: print(LivePostPublishedDocument) }, { next: () => {}, error: resolve, complete: () => resolve('completed') });
    });
    expect((refusal as { extensions?: Record<string, unknown> }[])[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('should refuse a key once its expiry has passed', async () => {
    const expiresAt = new Date(Date.now() + 3000);
    const { secret } = await createKey(coordinator.client, { expiresAt: expiresAt.toISOString() });
    const partner = system.anonymous.withApiKey(secret);
    expect((await partner.request(PublicDirectoryDocument, {})).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt.getTime() - Date.now()) + 200));
    const refused = await partner.request(PublicDirectoryDocument, {});
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]).toMatchObject({ message: expect.stringContaining('expired'), extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('should carry the partner to the subgraphs over graphql-ws', async () => {
    const { secret } = await createKey(coordinator.client, { scopes: ['FEED_READ'] });
    const { client, closed } = await connect({ apiKey: secret });
    expect(closed).toBeUndefined();

    // The feed sees a partner, not an anonymous caller: alerts are refused to partners without ALERTS_READ.
    const alertErrors = await new Promise<readonly { extensions?: Record<string, unknown> }[]>((resolve) => {
      client.subscribe(
        { query: print(LiveAlertRaisedDocument) },
        { next: (result) => result.errors && resolve(result.errors), error: (error) => resolve(error as never), complete: () => resolve([]) },
      );
    });
    expect(alertErrors[0]?.extensions?.['code']).toBe('FORBIDDEN');

    // Public posts of the key's département reach it live; posts for the network do not.
    const received: { id: string; audience: string }[] = [];
    const unsubscribe = client.subscribe(
      { query: print(LivePostPublishedDocument), variables: {} },
      {
        next: (result) => {
          const post = (result.data as { postPublished?: { id: string; audience: string } } | undefined)?.postPublished;
          if (post) received.push(post);
        },
        error: () => {},
        complete: () => {},
      },
    );
    let counter = 0;
    const publish = async (audience: 'PUBLIC' | 'NETWORK') =>
      ok(
        await promeneur.client.request(LivePublishPostDocument, {
          input: { kind: 'NEWS', title: `Forum des métiers n°${++counter}`, body: 'Le forum ouvre ses portes samedi à Auch.', audience },
        }),
        'publishPost',
      ).publishPost;
    const arrived = async (id: string, ms: number) => {
      for (const deadline = Date.now() + ms; Date.now() < deadline && !received.some((p) => p.id === id); ) await new Promise((resolve) => setTimeout(resolve, 25));
      return received.some((p) => p.id === id);
    };
    // The subscribe message reaches the feed asynchronously: publish until the stream is live.
    let live = false;
    for (let attempt = 0; attempt < 40 && !live; attempt++) live = await arrived((await publish('PUBLIC')).id, 250);
    expect(live).toBe(true);
    const seen = received.length;
    const network = await publish('NETWORK');
    const publicPost = await publish('PUBLIC');
    expect(await arrived(publicPost.id, 2000)).toBe(true);
    unsubscribe();
    expect(received.slice(seen).map((p) => p.id)).toEqual([publicPost.id]);
    expect(received.some((p) => p.id === network.id)).toBe(false);
  });

  it('should refuse an ad-hoc operation to a persistedOnly key, not to an ordinary one', async () => {
    const adHoc = { query: '{ structures(first: 1) { totalCount } }' };
    const send = async (secret: string) => {
      const response = await fetch(system.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': secret }, body: JSON.stringify(adHoc) });
      return (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    };
    const restricted = await createKey(coordinator.client, { persistedOnly: true });
    const ordinary = await createKey(coordinator.client);
    expect((await send(restricted.secret)).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await send(ordinary.secret)).errors).toBeUndefined();
  });
});
