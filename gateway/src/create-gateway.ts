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
import { createApiKeyVerifier } from './api-keys.js';
import { createAuthenticator, credentialsFromHeaders } from './authenticate.js';
import { admit, clientAddress, createRateLimiter, limitByAddress, setRateLimitHeaders } from './rate-limits/index.js';
import { cors } from './cors.js';
import type { GatewayConfig } from './gateway.config.js';
import { healthRouter } from './health.js';
import { httpErrorHandler, notFound } from './http-errors.js';
import { icsProxy } from './ics-proxy.js';
import type { ConsoleAssets } from './console/console-assets.js';
import { consoleRoutes } from './console/console-routes.js';
import { createLogger, type Logger } from '@pdn/logging';
import { metricsHandler } from '@pdn/logging/metrics';
import { startTracing } from '@pdn/logging/tracing';
import { identifyRequests, logOperations, operationLogPlugin, recordOf } from './operation-log.js';
import { createPersistedQueries } from './persisted-queries/apq-cache.js';
import { loadSafelist } from './persisted-queries/persisted-operations.js';
import { queryLimitsPlugin } from './query-limits/query-limits.plugin.js';
import { QueryProtection } from './query-limits/query-protection.js';
import { currentRequest, runInRequest } from './request-context.js';
import { createSessionRevocations } from './session-revocations.js';
import { SignedIdentities } from './signed-identities.js';
import { type GatewayContext, SubgraphDataSource } from './subgraph-data-source.js';
import { type PerViewerFields, readPerViewerFields } from './shared-subscriptions/index.js';
import { attachSubscriptionServer } from './subscriptions.js';
import { readSupergraph, subgraphEndpoints } from './supergraph.js';

export interface CreateGatewayOptions {
  /** The composed supergraph; read from `config.supergraphPath` when absent. */
  supergraphSdl?: string;
  /** The per-viewer fields of shared subscriptions; read beside `config.supergraphPath` when absent (null: none known). */
  perViewerFields?: PerViewerFields;
  logger?: Logger;
  /** The console's bundle (null: not built); read from gateway/dist/console-assets when absent. */
  consoleAssets?: ConsoleAssets | null;
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

/** How long a starting gateway waits for members' log of recently ended sessions before it serves. */
const SESSION_REVOCATIONS_BOOT_WAIT_MS = 5000;

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
  // OpenTelemetry spans, exported only when an OTLP endpoint is configured (stopped last, by stop()).
  const tracing = await startTracing('pdn-gateway', config.tracing ?? {}, { logger });
  const supergraphSdl = options.supergraphSdl ?? readSupergraph(config.supergraphPath);
  const subgraphs = subgraphEndpoints(supergraphSdl, config);
  // Follows members' event log (once the server has started): ended sessions and suspended members are refused at once.
  const sessionRevocations = createSessionRevocations(config.sessionRevocations, config.identitySigningKey, logger);
  const authenticate = createAuthenticator(
    config.jwt,
    logger,
    createApiKeyVerifier(config.apiKeys, config.identitySigningKey),
    sessionRevocations,
  );
  const rateLimiter = await createRateLimiter(config.rateLimits, logger);
  const { trustProxyHops } = config.rateLimits;
  const safelist = loadSafelist(config.queryProtection.persistedOperationsPath);
  const protection = new QueryProtection({
    limits: config.queryProtection.limits,
    introspection: config.nodeEnv === 'production' ? 'authenticated' : 'everyone',
    safelist,
    safelistOnly: config.queryProtection.safelistOnly,
  });
  const { maxRequestBytes, maxTokens } = protection.highestLimits;
  const persistedQueries = createPersistedQueries({
    safelist,
    redisUrl: config.queryProtection.redisUrl,
    ttlSeconds: config.queryProtection.apqTtlSeconds,
    logger,
  });
  let url = '';

  // @apollo/gateway otherwise starts an OpenTelemetry exporter that sends usage data to Apollo and
  // probes cloud metadata addresses: nothing leaves this network unless an operator asks for it.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  // One signature per caller every few seconds, shared by the subgraphs' data sources.
  const identities = new SignedIdentities(config.identitySigningKey);
  const dataSources: SubgraphDataSource[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: logger.child({ component: 'apollo-gateway' }),
    // The fetches carry their parsed operation: the data source need not parse it again to tell a query.
    queryPlannerConfig: { exposeDocumentNodeInFetchNode: true },
    buildService: ({ name, url: composedUrl }) => {
      const dataSource = new SubgraphDataSource({
        endpoint: subgraphs.find((s) => s.name === name) ?? {
          name,
          url: composedUrl ?? '',
          timeoutMs: config.defaultSubgraphTimeoutMs,
        },
        identitySigningKey: config.identitySigningKey,
        logger,
        resilience: config.subgraphResilience,
        tracing,
        identities,
        deduplicate: config.subgraphDeduplication ?? true,
      });
      dataSources.push(dataSource);
      return dataSource;
    },
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
    // Introspection is decided per caller (queryLimitsPlugin): Apollo's switch is for everyone at once.
    introspection: true,
    // The caller's own token limit is checked before parsing; this bounds the parser whatever happens.
    parseOptions: { maxTokens },
    persistedQueries: persistedQueries.options,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      operationLogPlugin(),
      queryLimitsPlugin(protection),
    ],
  });
  await server.start();
  sessionRevocations.start();

  const subscriptions = attachSubscriptionServer(httpServer, {
    supergraphSdl,
    subgraphs,
    authenticate,
    rateLimits: { limiter: rateLimiter, trustProxyHops },
    apiKeyRecheckMs: config.apiKeys.recheckOpenConnectionsMs,
    sessionRevocations,
    identitySigningKey: config.identitySigningKey,
    logger,
    tracing,
    maxSubscriptionsPerConnection: config.maxSubscriptionsPerConnection,
    protection,
    exposeInternals: config.nodeEnv === 'development',
    perViewerFields: options.perViewerFields !== undefined ? options.perViewerFields : readPerViewerFields(config.supergraphPath),
    shareSubscriptions: config.sharedSubscriptions ?? true,
  });

  app.use(identifyRequests());
  app.use(healthRouter(subgraphs, { sessionRevocations }));
  app.get('/metrics', metricsHandler());
  // The coordinators' console: at /console, and at /graphql for a browser's navigation.
  const consolePages = consoleRoutes({ logger, assets: options.consoleAssets });
  app.use(consolePages.router);
  app.get('/graphql', consolePages.forBrowsers);
  app.use('/ics', limitByAddress(rateLimiter, trustProxyHops), icsProxy(config.subgraphs.calendar, logger, tracing));
  app.all(
    '/graphql',
    logOperations(logger, tracing),
    cors(config.corsOrigins),
    express.json({ limit: maxRequestBytes }),
    (_req, res, next) => runInRequest(recordOf(res), next),
    expressMiddleware(server, {
      context: async ({ req, res }) => {
        const record = recordOf(res);
        let admission;
        try {
          admission = await admit(authenticate, rateLimiter, credentialsFromHeaders(req.headers), clientAddress(req, trustProxyHops), record.requestId);
        } catch (error) {
          record.errorCodes = [String((error as GraphQLError).extensions?.code ?? 'INTERNAL_SERVER_ERROR')];
          throw error;
        }
        record.caller = admission.caller;
        if (admission.rateLimit) setRateLimitHeaders(res, admission.rateLimit);
        return {
          caller: admission.caller,
          requestId: record.requestId,
          ...(record.span ? { operationSpan: record.span } : {}),
          ...(admission.apiKey ? { apiKey: admission.apiKey } : {}),
        };
      },
    }),
  );
  app.use(notFound());
  app.use(httpErrorHandler(logger, { maxRequestBytes }));

  // The sessions ended in the last minutes are known before the first request (unless members does
  // not answer: then the gateway serves, and learns them once it does).
  await sessionRevocations.ready(SESSION_REVOCATIONS_BOOT_WAIT_MS);
  let address: AddressInfo;
  try {
    address = await listen(httpServer, config.port, config.host);
  } catch (error) {
    // The listen error is the one worth reporting, not whatever stopping a half-started server says.
    await server.stop().catch(() => {});
    await persistedQueries.close();
    await rateLimiter.close();
    await sessionRevocations.stop();
    await tracing.shutdown();
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
        // New connections (HTTP and WebSocket) are refused from here on; requests in flight carry on.
        httpServer.close();
        // Every graphql-ws client is closed with 1001 Going Away: it reconnects to another replica.
        await subscriptions.dispose();
        // Waits for in-flight requests (ApolloServerPluginDrainHttpServer), then stops the gateway.
        await server.stop();
        for (const dataSource of dataSources) dataSource.close();
        await persistedQueries.close();
        await rateLimiter.close();
        await sessionRevocations.stop();
        // The spans of the last operations are sent before the process exits.
        await tracing.shutdown();
      })()),
  };
}
