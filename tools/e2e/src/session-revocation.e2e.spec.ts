import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import {
  EraseMyAccountDocument,
  LiveAlertRaisedDocument,
  LiveRaiseAlertDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  PdnClient,
  RefreshSessionDocument,
  SetMemberStatusDocument,
  type PdnResult,
} from '@pdn/client';
import { eventually } from '@pdn/domain-events/testing';
import type { RunningGateway } from '@pdn/gateway';
import { activate, createStructure, join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

// Access tokens are checked by the gateways alone, with members' public key; what ends a session
// (logout, erasure) or narrows a member's access (suspension) reaches every gateway replica through
// members' event log, and the very same token is refused at once rather than when it expires.

const SESSION_ENDED = 'The session has ended: sign in again.';
const ACCESS_CHANGED = "The member's access has changed since this access token was issued: refresh the session.";
/** The gateways long-poll members' log: a revocation arrives within milliseconds; this bounds the wait. */
const REVOCATION_DEADLINE_MS = 5000;

function ok<T>(result: PdnResult<T>, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

interface Session {
  accessToken: string;
  refreshToken: string;
}

describe('ended sessions through the gateways', () => {
  let system: RunningSystem;
  let coordinator: Person;
  let replica: RunningGateway;
  let structureId: string;
  let serial = 0;
  const sockets: Client[] = [];

  async function login(person: Pick<Person, 'email' | 'password'>): Promise<Session> {
    const { login } = ok(await system.anonymous.request(LoginDocument, { email: person.email, password: person.password }), `login of ${person.email}`);
    return { accessToken: login.accessToken, refreshToken: login.refreshToken };
  }

  /** Me with this token through a gateway: the member's id, or the refusal. */
  async function me(accessToken: string, gatewayUrl = system.gatewayUrl) {
    const result = await new PdnClient(gatewayUrl).withToken(accessToken).request(MeDocument);
    const error = result.errors?.[0];
    return error ? { status: result.status, code: error.extensions?.['code'], message: error.message } : { status: result.status, id: result.data?.me?.id };
  }

  /** Bounded: the refusal comes as soon as the gateway has read the event. */
  function refusedBy(gatewayUrl: string, accessToken: string, message = SESSION_ENDED) {
    return eventually(
      async () => {
        const answer = await me(accessToken, gatewayUrl);
        return answer.status === 401 ? answer : undefined;
      },
      `the token to be refused by ${gatewayUrl}`,
      { timeoutMs: REVOCATION_DEADLINE_MS, everyMs: 50 },
    ).then((answer) => expect(answer).toEqual({ status: 401, code: 'UNAUTHENTICATED', message }));
  }

  async function promeneur(): Promise<Person> {
    serial += 1;
    const person = await join(system, coordinator.client, { structureId, email: `promeneur${serial}@sessions.test`, firstName: `Isabelle${serial}`, lastName: 'Laffargue' });
    return activate(system, coordinator.client, person);
  }

  beforeAll(async () => {
    system = await startSystem();
    const admin = await signInAdmin(system);
    structureId = await createStructure(admin);
    coordinator = await join(system, admin, { structureId, email: 'coordination@sessions32.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    // A second replica, running since before anything below: it must learn what the first one does.
    replica = await system.startGateway();
  });

  afterAll(async () => {
    await Promise.all(sockets.map(async (s) => s.dispose()));
    await system?.close();
  });

  it('refuses the very token of a session that logged out, on every replica, and on one started afterwards', async () => {
    const person = await promeneur();
    const session = await login(person);
    const otherDevice = await login(person);
    for (const url of [system.gatewayUrl, replica.url]) expect(await me(session.accessToken, url)).toEqual({ status: 200, id: person.id });

    ok(await system.anonymous.request(LogoutDocument, { refreshToken: session.refreshToken }), 'logout');
    await refusedBy(system.gatewayUrl, session.accessToken);
    await refusedBy(replica.url, session.accessToken);

    // A gateway that starts now reads the recent past of members' log before it serves: refused at once.
    const late = await system.startGateway();
    expect(await me(session.accessToken, late.url)).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: SESSION_ENDED });
    // The member's other session goes on.
    for (const url of [system.gatewayUrl, replica.url, late.url]) expect(await me(otherDevice.accessToken, url)).toEqual({ status: 200, id: person.id });
  });

  it("closes the session's open subscription when it logs out, and only that one", async () => {
    const person = await promeneur();
    const session = await login(person);
    const otherDevice = await login(person);
    const watch = (accessToken: string) => {
      const alerts: string[] = [];
      let closedWith: { code: number; reason: string } | undefined;
      const client = createClient({
        url: system.gatewayUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${accessToken}` },
        retryAttempts: 0,
        on: {
          closed: (event) => {
            const { code, reason } = event as { code: number; reason: string };
            closedWith = { code, reason };
          },
        },
      });
      sockets.push(client);
      client.subscribe(
        { query: print(LiveAlertRaisedDocument), variables: {} },
        { next: (result) => alerts.push((result.data as { alertRaised: { id: string } } | undefined)?.alertRaised.id ?? 'error'), error: () => {}, complete: () => {} },
      );
      return { alerts, closed: () => closedWith };
    };
    const ending = watch(session.accessToken);
    const staying = watch(otherDevice.accessToken);

    // graphql-ws does not acknowledge a subscription: alerts are raised until both receive one.
    await eventually(
      async () => {
        const { raiseAlert } = ok(
          await coordinator.client.request(LiveRaiseAlertDocument, {
            input: { severity: 'INFO', category: 'SCAM', title: `Faux concours n°${++serial}`, body: 'Un faux concours circule.', departments: ['32'] },
          }),
          'raiseAlert',
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
        return ending.alerts.includes(raiseAlert.id) && staying.alerts.includes(raiseAlert.id) ? true : undefined;
      },
      'both subscriptions to be live',
    );

    ok(await system.anonymous.request(LogoutDocument, { refreshToken: session.refreshToken }), 'logout');
    const closed = await eventually(() => ending.closed(), 'the connection to close', { timeoutMs: REVOCATION_DEADLINE_MS, everyMs: 20 });
    expect(closed).toEqual({ code: 4401, reason: SESSION_ENDED });
    expect(staying.closed()).toBeUndefined();
  });

  it('refuses the token of a member who erased their account', async () => {
    const person = await promeneur();
    const session = await login(person);
    const client = system.anonymous.withToken(session.accessToken);
    expect(ok(await client.request(EraseMyAccountDocument, { password: person.password }), 'eraseMyAccount').eraseMyAccount).toBe(true);
    await refusedBy(system.gatewayUrl, session.accessToken);
    await refusedBy(replica.url, session.accessToken);
  });

  it('refuses the token of a member a coordinator suspended, until the member refreshes', async () => {
    const person = await promeneur();
    const session = await login(person);
    expect(await me(session.accessToken)).toEqual({ status: 200, id: person.id });

    ok(await coordinator.client.request(SetMemberStatusDocument, { id: person.id, status: 'SUSPENDED', reason: 'Absente depuis six mois' }), 'setMemberStatus');
    await refusedBy(system.gatewayUrl, session.accessToken, ACCESS_CHANGED);
    await refusedBy(replica.url, session.accessToken, ACCESS_CHANGED);

    // The session itself goes on: a refreshed token says SUSPENDED, and is accepted.
    const refreshed = ok(await system.anonymous.request(RefreshSessionDocument, { refreshToken: session.refreshToken }), 'refreshSession').refreshSession;
    expect(refreshed.member.status).toBe('SUSPENDED');
    expect(await me(refreshed.accessToken)).toEqual({ status: 200, id: person.id });
    expect(await me(refreshed.accessToken, replica.url)).toEqual({ status: 200, id: person.id });
  });
});
