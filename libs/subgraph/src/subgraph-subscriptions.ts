import type { IncomingMessage } from 'node:http';
import type { OnModuleDestroy } from '@nestjs/common';
import type { Request } from 'express';
import type { ExecutionResult, FormattedExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Context } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { ANONYMOUS, type Caller, IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, REQUEST_ID_HEADER, verifyIdentity } from '@pdn/identity';
import type { SubgraphContext } from '@pdn/identity/nest';
import { requestIdFrom, type Logger } from '@pdn/logging';
import { parseTraceparent, TRACEPARENT_HEADER } from '@pdn/logging/trace-context';

export interface SubgraphSubscriptionOptions {
  /** The key shared with the gateway: a connection_init without an identity signed with it is refused. */
  identitySigningKey: string;
  /** Signed identities older than this are refused when the connection opens (not afterwards). */
  identityMaxAgeSeconds?: number;
}

/** What graphql-ws's `use/ws` puts in `ctx.extra`, plus the caller verified when the connection opened. */
interface WsExtra {
  socket: WebSocket;
  request: IncomingMessage;
  caller?: Caller;
}

type WsContext = Context<Record<string, unknown> | undefined, WsExtra>;

/** Close code of a connection_init without a valid signed identity (graphql-ws's 4403 is "Forbidden"). */
export const SUBGRAPH_IDENTITY_REFUSED = 4403;

/**
 * The open WebSocket connections of a subgraph. Nest's federation driver never stops its graphql-ws
 * server, so without this an app.close() would wait for every subscriber to leave; as a provider, Nest
 * calls onModuleDestroy before it closes the HTTP server, and clients (the gateway) see 1001 Going Away.
 */
export class SubgraphSubscriptionSockets implements OnModuleDestroy {
  private readonly sockets = new Set<WebSocket>();

  add(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  get size(): number {
    return this.sockets.size;
  }

  onModuleDestroy(): void {
    for (const socket of this.sockets) socket.close(1001, 'The service is shutting down');
    this.sockets.clear();
  }
}

/**
 * The `graphql-ws` options given to Nest's GraphQLModule: the gateway opens each connection with the
 * caller's signed identity as connection_init payload (the same two values as the HTTP headers), and
 * every subscription of the connection runs as that caller, with the same context as an HTTP request.
 */
export function subgraphWsOptions(
  options: SubgraphSubscriptionOptions,
  sockets: SubgraphSubscriptionSockets,
  logger: Logger,
  formatError: (error: GraphQLError) => GraphQLFormattedError,
  /** Runs once each event is resolved, before it is sent (the audit of the private fields it shows). */
  afterEvent?: (contextValue: unknown) => Promise<void>,
) {
  return {
    // graphql-ws knows nothing of Apollo's formatError: without these, a DomainError thrown by a guard or
    // a resolver would reach the gateway without its code.
    onNext: async (_ctx: WsContext, _id: string, _payload: unknown, args: { contextValue?: unknown }, result: FormattedExecutionResult | ExecutionResult) => {
      await afterEvent?.(args.contextValue);
      return result.errors?.length ? { ...result, errors: result.errors.map((e) => formatError(e as GraphQLError)) } : undefined;
    },
    onError: (_ctx: WsContext, _id: string, _payload: unknown, errors: readonly GraphQLError[]) => errors.map(formatError),
    // One line per subscription, as per HTTP request: the gateway's request id and trace come in the extensions.
    onSubscribe: (ctx: WsContext, id: string, payload: { operationName?: string | null; extensions?: Record<string, unknown> | null }) => {
      const extensions = payload.extensions ?? undefined;
      const requestId = extensions?.[REQUEST_ID_HEADER] ?? ctx.connectionParams?.[REQUEST_ID_HEADER];
      const trace = parseTraceparent(typeof extensions?.[TRACEPARENT_HEADER] === 'string' ? extensions[TRACEPARENT_HEADER] : undefined);
      logger.info(
        { requestId: requestIdFrom(typeof requestId === 'string' ? requestId : undefined), traceId: trace?.traceId, spanId: trace?.spanId, operationName: payload.operationName ?? undefined, id },
        'subscription',
      );
      return undefined;
    },
    onConnect: (ctx: WsContext): boolean => {
      const params = ctx.connectionParams ?? {};
      const text = (name: string) => (typeof params[name] === 'string' ? (params[name] as string) : undefined);
      const result = verifyIdentity(text(IDENTITY_HEADER), text(IDENTITY_SIGNATURE_HEADER), options.identitySigningKey, {
        maxAgeSeconds: options.identityMaxAgeSeconds,
      });
      if (!result.ok) {
        logger.warn({ reason: result.reason }, 'WebSocket connection refused: no valid identity signature');
        // Returning false closes with 4403 Forbidden, as requireSignedIdentity answers 401 over HTTP.
        return false;
      }
      ctx.extra.caller = result.caller;
      sockets.add(ctx.extra.socket);
      return true;
    },
  };
}

/**
 * The GraphQL context of a subscription: graphql-ws calls the module's context function with its own
 * context (no `req`). The request id comes with each subscribe message (the gateway's operation), else
 * with the connection.
 */
export function wsSubscriptionContext(ctx: WsContext, payload: unknown): SubgraphContext {
  const extensions = (payload as { extensions?: Record<string, unknown> } | undefined)?.extensions;
  const requestId = extensions?.[REQUEST_ID_HEADER] ?? ctx.connectionParams?.[REQUEST_ID_HEADER];
  return {
    req: ctx.extra.request as Request,
    caller: ctx.extra.caller ?? ANONYMOUS,
    requestId: requestIdFrom(typeof requestId === 'string' ? requestId : undefined),
  };
}

export function isWsContext(value: unknown): value is WsContext {
  return typeof value === 'object' && value !== null && 'extra' in value && 'connectionInitReceived' in value;
}
