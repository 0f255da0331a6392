import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { formatGraphQLError } from '@pdn/errors';
import { createAuthenticator, credentialsFromHeaders } from './authenticate.js';
import { cors } from './cors.js';
import type { GatewayConfig } from './gateway.config.js';
import { healthRouter } from './health.js';
import { BODY_LIMIT, httpErrorHandler, notFound } from './http-errors.js';
import { icsProxy } from './ics-proxy.js';
import { landingPagePlugin } from './landing-page.js';
import { createLogger, type Logger } from '@pdn/logging';
import { identifyRequests, logOperations, operationLogPlugin, recordOf } from './operation-log.js';
import { currentRequest, runInRequest } from './request-context.js';
import { type GatewayContext, SubgraphDataSource } from './subgraph-data-source.js';
import { attachSubscriptionServer } from './subscriptions.js';
import { readSupergraph, subgraphEndpoints } from './supergraph.js';

export interface CreateGatewayOptions {
  /** The composed supergraph; read from `config.supergraphPath` when absent. */
  supergraphSdl?: string;
  logger?: Logger;
}

export interface RunningGateway {
  /** Where clients send GraphQL, e.g. `http://127.0.0.1:4000/graphql` (the real port when 0 was asked). */
  url: string;
  /** Exposed for the graphql-ws server that will share it. */
  httpServer: Server;
  /** Stops accepting connections, lets in-flight operations finish, then closes. */
  stop(): Promise<void>;
}

function formatErrorFor(config: GatewayConfig, logger: Logger) {
  const development = config.nodeEnv === 'development';
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = formatGraphQLError(formatted, error, {
      exposeInternals: development,
      onInternalError: (internal) => logger.error({ requestId: currentRequest()?.requestId, err: internal }, 'internal error'),
    });
    if (development || !result.extensions || !('serviceName' in result.extensions)) return result;
    // @apollo/gateway tags subgraph errors with `serviceName` for its metrics; clients need not see the topology.
    const { serviceName: _serviceName, ...extensions } = result.extensions;
    return { ...result, extensions };
  };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function createGateway(config: GatewayConfig, options: CreateGatewayOptions = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger('gateway', config.logLevel);
  const supergraphSdl = options.supergraphSdl ?? readSupergraph(config.supergraphPath);
  const subgraphs = subgraphEndpoints(supergraphSdl, config);
  const authenticate = createAuthenticator(config.jwt, logger);
  let url = '';

  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name, url: composedUrl }) =>
      new SubgraphDataSource({
        endpoint: subgraphs.find((s) => s.name === name) ?? {
          name,
          url: composedUrl ?? '',
          timeoutMs: config.defaultSubgraphTimeoutMs,
        },
        identitySigningKey: config.identitySigningKey,
        logger,
      }),
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);

  const server = new ApolloServer<GatewayContext>({
    gateway,
    logger: logger.child({ component: 'apollo-server' }),
    nodeEnv: config.nodeEnv,
    includeStacktraceInErrorResponses: config.nodeEnv === 'development',
    hideSchemaDetailsFromClientErrors: config.nodeEnv === 'production',
    // main.ts owns the signals: it logs, drains, then exits with the right code.
    stopOnTerminationSignals: false,
    formatError: formatErrorFor(config, logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      landingPagePlugin(() => url),
      operationLogPlugin(),
    ],
  });
  await server.start();

  const subscriptions = attachSubscriptionServer(httpServer, {
    supergraphSdl,
    subgraphs,
    authenticate,
    identitySigningKey: config.identitySigningKey,
    logger,
    maxSubscriptionsPerConnection: config.maxSubscriptionsPerConnection,
    exposeInternals: config.nodeEnv === 'development',
  });

  app.use(identifyRequests());
  app.use(healthRouter(subgraphs));
  app.use('/ics', icsProxy(config.subgraphs.calendar, logger));
  app.all(
    '/graphql',
    logOperations(logger),
    cors(config.corsOrigins),
    express.json({ limit: BODY_LIMIT }),
    (_req, res, next) => runInRequest(recordOf(res), next),
    expressMiddleware(server, {
      context: async ({ req, res }) => {
        const record = recordOf(res);
        try {
          // Issue 5 adds X-API-Key here: credentialsFromHeaders already reads it.
          record.caller = await authenticate(credentialsFromHeaders(req.headers));
        } catch (error) {
          record.errorCodes = [String((error as GraphQLError).extensions?.code ?? 'INTERNAL_SERVER_ERROR')];
          throw error;
        }
        return { caller: record.caller, requestId: record.requestId };
      },
    }),
  );
  app.use(notFound());
  app.use(httpErrorHandler(logger));

  let address: AddressInfo;
  try {
    address = await listen(httpServer, config.port, config.host);
  } catch (error) {
    // The listen error is the one worth reporting, not whatever stopping a half-started server says.
    await server.stop().catch(() => {});
    throw error;
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}/graphql`;
  logger.debug({ subgraphs: subgraphs.map(({ name, url: subgraphUrl }) => ({ name, url: subgraphUrl })) }, 'subgraphs');

  let stopping: Promise<void> | undefined;
  return {
    url,
    httpServer,
    stop: () =>
      (stopping ??= (async () => {
        await subscriptions.dispose();
        // Drains the HTTP server (ApolloServerPluginDrainHttpServer), then stops the gateway.
        await server.stop();
      })()),
  };
}
