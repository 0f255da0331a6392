import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Args, Context, Field, Int, ObjectType, Query, Resolver, Subscription } from '@nestjs/graphql';
import { type Client, createClient } from 'graphql-ws';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { type Caller, REQUEST_ID_HEADER, signIdentity } from '@pdn/identity';
import { CurrentCaller, RequireMember, RolesGuard, type SubgraphContext } from '@pdn/identity/nest';
import { startSubgraph, type RunningSubgraph } from './start-subgraph.js';
import { subgraphGraphqlModule } from './subgraph-graphql.module.js';
import { SubgraphSubscriptionSockets } from './subgraph-subscriptions.js';

const KEY = 'subgraph-subscriptions-test-key-0123456789';
const logger = pino({ level: 'silent' });
const coordinator: Caller = { kind: 'member', memberId: 'm-7', role: 'COORDINATOR', status: 'ACTIVE', departments: ['32'] };

/** A minimal in-process pub/sub: each subscriber gets its own queue; `returned` counts closed streams. */
class Ticks {
  private readonly subscribers = new Set<(n: number) => void>();
  returned = 0;

  publish(n: number) {
    for (const push of this.subscribers) push(n);
  }

  get listeners() {
    return this.subscribers.size;
  }

  iterator(): AsyncIterableIterator<number> {
    const queue: number[] = [];
    let wake: (() => void) | undefined;
    const push = (n: number) => {
      queue.push(n);
      wake?.();
    };
    this.subscribers.add(push);
    const close = () => {
      if (this.subscribers.delete(push)) this.returned++;
      wake?.();
    };
    let done = false;
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next() {
        while (!done && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        if (done) return { value: undefined, done: true };
        return { value: queue.shift()!, done: false };
      },
      async return() {
        done = true;
        close();
        return { value: undefined, done: true };
      },
    };
  }
}

const ticks = new Ticks();

@ObjectType()
class Tick {
  @Field(() => Int) n!: number;
  @Field(() => String) callerId!: string;
  @Field(() => String) requestId!: string;
}

@Resolver()
class TickResolver {
  @Query(() => String)
  hello(): string {
    return 'hello';
  }

  @RequireMember()
  @Subscription(() => Tick, {
    resolve: (n: number, _args: unknown, context: SubgraphContext) => ({
      n,
      callerId: context.caller.kind === 'member' ? context.caller.memberId : context.caller.kind,
      requestId: context.requestId,
    }),
  })
  ticked(@Args('from', { type: () => Int, defaultValue: 0 }) _from: number, @CurrentCaller() _caller: Caller, @Context() _ctx: unknown) {
    return ticks.iterator();
  }
}

@Module({
  imports: [subgraphGraphqlModule({ exposeInternals: false, logger, subscriptions: { identitySigningKey: KEY } })],
  providers: [TickResolver, { provide: APP_GUARD, useClass: RolesGuard }],
})
class TickModule {}

let running: RunningSubgraph;
const wsUrl = () => running.url.replace(/^http/, 'ws');

function connect(connectionParams: Record<string, unknown> | undefined): { client: Client; closed: Promise<{ code: number }> } {
  let onClosed!: (event: { code: number }) => void;
  const closed = new Promise<{ code: number }>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: wsUrl(),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => onClosed(event as { code: number }) },
    onNonLazyError: () => {},
  });
  return { client, closed };
}

async function waitFor(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('subgraph subscriptions over graphql-ws', () => {
  beforeAll(async () => {
    running = await startSubgraph(TickModule, {
      name: 'ticks',
      host: '127.0.0.1',
      port: 0,
      identitySigningKey: KEY,
      logger,
      readiness: async () => {},
    });
  });

  afterAll(async () => {
    await running?.close();
  });

  it('runs subscriptions as the signed caller, with the request id of the subscribe message', async () => {
    const { client } = connect({ ...signIdentity(coordinator, KEY) });
    const iterator = client.iterate<{ ticked: { n: number; callerId: string; requestId: string } }>({
      query: 'subscription { ticked { n callerId requestId } }',
      extensions: { [REQUEST_ID_HEADER]: 'req-1234-abcd' },
    });
    const first = iterator.next();
    await waitFor(() => ticks.listeners === 1);
    ticks.publish(1);
    expect((await first).value).toEqual({ data: { ticked: { n: 1, callerId: 'm-7', requestId: 'req-1234-abcd' } } });
    await iterator.return?.();
    // Completing the subscription closes the resolver's stream.
    await waitFor(() => ticks.listeners === 0);
    expect(ticks.returned).toBeGreaterThanOrEqual(1);
    await client.dispose();
  });

  it('applies the same guards as HTTP: an anonymous identity is refused with UNAUTHENTICATED', async () => {
    const { client } = connect({ ...signIdentity({ kind: 'anonymous' }, KEY) });
    const iterator = client.iterate({ query: 'subscription { ticked { n } }' });
    const result = await iterator.next();
    expect((result.value as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    await client.dispose();
  });

  it('refuses a connection without an identity, with a wrong signature, or with an identity too old', async () => {
    const fresh = signIdentity(coordinator, KEY);
    const cases = [
      undefined,
      { ...fresh, 'x-pdn-identity-signature': 'forged' },
      { ...signIdentity(coordinator, 'another-key-0123456789abcdefghij') },
      { ...signIdentity(coordinator, KEY, new Date(Date.now() - 301_000)) },
    ];
    for (const params of cases) {
      const { closed } = connect(params);
      expect((await closed).code).toBe(4403);
    }
  });

  it('closes open subscriptions with 1001 when the subgraph stops, instead of waiting for them', async () => {
    const { client, closed } = connect({ ...signIdentity(coordinator, KEY) });
    const iterator = client.iterate({ query: 'subscription { ticked { n } }' });
    const pending = iterator.next().catch((error: unknown) => error);
    await waitFor(() => ticks.listeners === 1);
    expect(running.app.get(SubgraphSubscriptionSockets, { strict: false }).size).toBeGreaterThanOrEqual(1);
    await running.close();
    expect((await closed).code).toBe(1001);
    await pending;
    await waitFor(() => ticks.listeners === 0);
  });
});
