import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleSession, type SessionEvent } from './session.js';

// The gateway's side of sign-in, as the members subgraph answers it through the gateway: enough to
// see what the console sends and when (the browser test signs in through the real system).
interface Received {
  operationName: string;
  variables: Record<string, string>;
  authorization?: string;
}

let server: Server;
let url: string;
let received: Received[];
/** The text of each operation received, by name. */
let texts: Map<string, string>;
/** Lifetime of the access tokens handed out, and whether refreshSession answers. */
let lifetimeMs: number;
let refreshAllowed: boolean;
let issued: number;

const member = { id: 'm-1', displayName: 'Claire · CAF du Gers', role: 'COORDINATOR', department: '32' };

function payload() {
  issued += 1;
  return { accessToken: `access-${issued}`, refreshToken: `refresh-${issued}`, expiresAt: new Date(Date.now() + lifetimeMs).toISOString(), member };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, string> };
      const operationName = /mutation (\w+)/.exec(query)?.[1] ?? '';
      received.push({ operationName, variables, authorization: req.headers.authorization });
      texts.set(operationName, query);
      let result: object;
      if (operationName === 'ConsoleLogin') {
        result =
          variables['password'] === 'right'
            ? { data: { login: payload() } }
            : { data: null, errors: [{ message: 'Wrong e-mail or password.', extensions: { code: 'UNAUTHENTICATED' } }] };
      } else if (operationName === 'ConsoleRefreshSession') {
        result = refreshAllowed
          ? { data: { refreshSession: payload() } }
          : { data: null, errors: [{ message: 'This session has ended.', extensions: { code: 'UNAUTHENTICATED' } }] };
      } else {
        result = { data: { logout: true } };
      }
      res.writeHead(200, { 'content-type': 'application/graphql-response+json; charset=utf-8' }).end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  received = [];
  texts = new Map();
  lifetimeMs = 15 * 60_000;
  refreshAllowed = true;
  issued = 0;
});

const nextEvent = (session: ConsoleSession) =>
  new Promise<SessionEvent>((resolve) => {
    const stop = session.onChange((event) => {
      stop();
      resolve(event);
    });
  });

describe('the console session', () => {
  it('should sign in with login and keep the access token for the requests', async () => {
    const session = new ConsoleSession(url);
    const signedIn = nextEvent(session);
    await expect(session.signIn('claire@caf32.test', 'right')).resolves.toEqual(member);
    expect(await signedIn).toEqual({ kind: 'signed-in' });
    expect(session.accessToken()).toBe('access-1');
    expect(session.member).toEqual(member);
    expect(received).toEqual([{ operationName: 'ConsoleLogin', variables: { email: 'claire@caf32.test', password: 'right' } }]);
    await session.signOut();
  });

  it('should reject with the gateway message and stay signed out when the password is wrong', async () => {
    const session = new ConsoleSession(url);
    await expect(session.signIn('claire@caf32.test', 'wrong')).rejects.toThrow('Wrong e-mail or password.');
    expect(session.accessToken()).toBeUndefined();
    expect(session.member).toBeUndefined();
  });

  it('should refresh the session before the access token expires, with the refresh token', async () => {
    lifetimeMs = 2_000;
    const session = new ConsoleSession(url);
    await session.signIn('claire@caf32.test', 'right');
    expect(await nextEvent(session)).toEqual({ kind: 'refreshed' });
    expect(session.accessToken()).toBe('access-2');
    expect(received[1]).toEqual({ operationName: 'ConsoleRefreshSession', variables: { refreshToken: 'refresh-1' } });
    await session.signOut();
  });

  it('should sign out and say so when the refresh is refused', async () => {
    lifetimeMs = 2_000;
    refreshAllowed = false;
    const session = new ConsoleSession(url);
    await session.signIn('claire@caf32.test', 'right');
    const event = await nextEvent(session);
    expect(event).toEqual({ kind: 'expired', message: 'Your session ended (This session has ended): sign in again.' });
    expect(session.accessToken()).toBeUndefined();
  });

  it('should forget the tokens and end the session on the gateway when signing out', async () => {
    const session = new ConsoleSession(url);
    await session.signIn('claire@caf32.test', 'right');
    const signedOut = nextEvent(session);
    await session.signOut();
    expect(await signedOut).toEqual({ kind: 'signed-out' });
    expect(session.accessToken()).toBeUndefined();
    expect(received[1]).toEqual({ operationName: 'ConsoleLogout', variables: { refreshToken: 'refresh-1' }, authorization: 'Bearer access-1' });
  });

  it("should send its operations as libs/client's safelist has them, to the byte (SAFELIST_ONLY gateways)", async () => {
    lifetimeMs = 2_000;
    const session = new ConsoleSession(url);
    await session.signIn('claire@caf32.test', 'right');
    await nextEvent(session);
    await session.signOut();
    const manifest = JSON.parse(readFileSync(new URL('../../libs/client/persisted-operations.json', import.meta.url), 'utf8')) as {
      operations: Record<string, { document: string }>;
    };
    expect([...texts.keys()].sort()).toEqual(['ConsoleLogin', 'ConsoleLogout', 'ConsoleRefreshSession']);
    for (const [name, text] of texts) expect(text).toBe(manifest.operations[name]?.document);
  });
});
