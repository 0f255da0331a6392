import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Catch, Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule, type GqlExceptionFilter, type GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import type { Request } from 'express';
import type { GraphQLFormattedError, GraphQLScalarType } from 'graphql';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { DomainError, formatGraphQLError } from '@pdn/errors';
import { REQUEST_ID_HEADER } from '@pdn/identity';
import { callerOf, type SubgraphContext } from '@pdn/identity/nest';
import { requestIdFrom, type Logger } from '@pdn/logging';
import { DateTimeScalar } from './scalars.js';
import { CLOCK, systemClock, type Clock } from './clock.js';
import { AUDIT_SINK, auditPlugin, flushAudit, LoggingAuditSink, type AuditSink } from './visibility/audit.js';
import { applyVisibility } from './visibility/apply-visibility.js';
import { visibilityDirectives } from './visibility/visibility.decorators.js';
import {
  isWsContext,
  type SubgraphSubscriptionOptions,
  SubgraphSubscriptionSockets,
  subgraphWsOptions,
  wsSubscriptionContext,
} from './subgraph-subscriptions.js';

export interface SubgraphGraphqlOptions {
  /** Foreign entity stubs that no resolver returns directly. */
  orphanedTypes?: Type<unknown>[];
  exposeInternals: boolean;
  logger: Logger;
  /**
   * Custom scalars used by `@Field(() => Scalar)` (e.g. DateScalar). The federation driver rebuilds
   * the schema and keeps only scalars it is told about as resolvers; without this, `Date` arguments
   * would not be parsed (anything would pass).
   */
  scalars?: GraphQLScalarType[];
  /**
   * Serves graphql-ws on /graphql for the gateway (off by default): each connection must open with the
   * caller's signed identity, and subscriptions see the same context as HTTP requests.
   */
  subscriptions?: SubgraphSubscriptionOptions;
}

/**
 * The GraphQL module every subgraph uses: code-first, Federation 2, the caller from the verified
 * identity header in the context, errors translated once by @pdn/errors. No landing page: subgraphs
 * are reached only through the gateway.
 */
export function subgraphGraphqlModule(options: SubgraphGraphqlOptions): DynamicModule {
  @Module({})
  class SubgraphGraphqlModule {}
  const sockets = new SubgraphSubscriptionSockets();
  return {
    module: SubgraphGraphqlModule,
    imports: [graphqlModule(options, sockets)],
    providers: [
      { provide: APP_FILTER, useClass: ExpectedErrorsFilter },
      { provide: SubgraphSubscriptionSockets, useValue: sockets },
    ],
    exports: [SubgraphSubscriptionSockets],
  };
}

/**
 * Nest logs every error a resolver throws as an unhandled exception, stack included. A DomainError is
 * an expected answer (a refusal, a conflict), not a fault: it goes back to GraphQL as it is, unlogged.
 * Anything else still reaches the logs through formatError.
 */
@Catch(DomainError)
class ExpectedErrorsFilter implements GqlExceptionFilter {
  catch(error: DomainError) {
    return error;
  }
}

function graphqlModule(options: SubgraphGraphqlOptions, sockets: SubgraphSubscriptionSockets): DynamicModule {
  const formatError = (formatted: GraphQLFormattedError, error: unknown) =>
    formatGraphQLError(formatted, error, {
      exposeInternals: options.exposeInternals,
      onInternalError: (e) => options.logger.error({ err: e }, 'internal error in a resolver'),
    });
  // Async only to be given the app's audit sink and clock (both optional: a subgraph without a sink logs).
  return GraphQLModule.forRootAsync<ApolloFederationDriverConfig>({
    driver: ApolloFederationDriver,
    inject: [
      { token: AUDIT_SINK, optional: true },
      { token: CLOCK, optional: true },
    ],
    useFactory: (auditSink?: AuditSink, clock?: Clock): ApolloFederationDriverConfig => {
      const sink = auditSink ?? new LoggingAuditSink(options.logger);
      return {
        ...graphqlOptions(options, sockets, formatError, sink),
        // The schema's access rules (@visibility, @requireScope, partners and mutations) wrap the resolvers once.
        transformSchema: (schema) => applyVisibility(schema, { clock: clock ?? systemClock }),
      };
    },
  });
}

function graphqlOptions(
  options: SubgraphGraphqlOptions,
  sockets: SubgraphSubscriptionSockets,
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
  sink: AuditSink,
): ApolloFederationDriverConfig {
  return {
    autoSchemaFile: { federation: 2 },
    sortSchema: true,
    graphiql: false,
    playground: false,
    introspection: true,
    includeStacktraceInErrorResponses: options.exposeInternals,
    plugins: [ApolloServerPluginInlineTraceDisabled(), auditPlugin(sink, options.logger)],
    resolvers: Object.fromEntries((options.scalars ?? []).map((scalar) => [scalar.name, scalar])),
    buildSchemaOptions: {
      orphanedTypes: options.orphanedTypes ?? [],
      scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
      directives: visibilityDirectives,
    },
    ...(options.subscriptions
      ? {
          subscriptions: {
            // Nest's type lists fewer hooks than it passes on to graphql-ws (it spreads them all).
            'graphql-ws': subgraphWsOptions(
              options.subscriptions,
              sockets,
              options.logger,
              (e) => formatError(e.toJSON(), e),
              (contextValue) => flushAudit(contextValue as object | undefined, sink, options.logger),
            ) as GraphQLWsSubscriptionsConfig,
          },
        }
      : {}),
    // graphql-ws calls this with its own context and the subscribe payload instead of `{ req }`.
    context: (http: { req: Request } | unknown, _id?: string, payload?: unknown): SubgraphContext =>
      isWsContext(http)
        ? wsSubscriptionContext(http, payload)
        : {
            req: (http as { req: Request }).req,
            caller: callerOf((http as { req: Request }).req),
            requestId: requestIdFrom((http as { req: Request }).req?.headers?.[REQUEST_ID_HEADER]),
          },
    formatError,
  };
}
