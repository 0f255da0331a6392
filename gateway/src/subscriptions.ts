import type { Server } from 'node:http';
import type { Authenticate } from './authenticate.js';
import type { Logger } from '@pdn/logging';
import type { SubgraphEndpoint } from './supergraph.js';

export interface SubscriptionServer {
  /** Closes every open subscription; called before the HTTP server drains. */
  dispose(): Promise<void>;
}

export interface SubscriptionDependencies {
  supergraphSdl: string;
  subgraphs: SubgraphEndpoint[];
  authenticate: Authenticate;
  identitySigningKey: string;
  logger: Logger;
}

/**
 * Where graphql-ws will be attached, on the same `/graphql` path as HTTP (see architecture.md:
 * `@apollo/gateway` cannot execute subscriptions, so the gateway will run them itself). The
 * connection_init payload carries `authorization` or `apiKey`, checked by the same `authenticate` as
 * HTTP. Until then no upgrade listener is installed, so a WebSocket handshake gets an ordinary HTTP
 * answer.
 */
export function attachSubscriptionServer(_httpServer: Server, _deps: SubscriptionDependencies): SubscriptionServer {
  return { dispose: async () => {} };
}
