import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import type { DynamicModule, Type } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { Request } from 'express';
import type { GraphQLScalarType } from 'graphql';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { formatGraphQLError } from '@pdn/errors';
import { REQUEST_ID_HEADER } from '@pdn/identity';
import { callerOf, type SubgraphContext } from '@pdn/identity/nest';
import { requestIdFrom, type Logger } from '@pdn/logging';
import { DateTimeScalar } from './scalars.js';

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
}

/**
 * The GraphQL module every subgraph uses: code-first, Federation 2, the caller from the verified
 * identity header in the context, errors translated once by @pdn/errors. No landing page: subgraphs
 * are reached only through the gateway.
 */
export function subgraphGraphqlModule(options: SubgraphGraphqlOptions): DynamicModule {
  return GraphQLModule.forRoot<ApolloFederationDriverConfig>({
    driver: ApolloFederationDriver,
    autoSchemaFile: { federation: 2 },
    sortSchema: true,
    graphiql: false,
    playground: false,
    introspection: true,
    includeStacktraceInErrorResponses: options.exposeInternals,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    resolvers: Object.fromEntries((options.scalars ?? []).map((scalar) => [scalar.name, scalar])),
    buildSchemaOptions: {
      orphanedTypes: options.orphanedTypes ?? [],
      scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    },
    context: ({ req }: { req: Request }): SubgraphContext => ({
      req,
      caller: callerOf(req),
      requestId: requestIdFrom(req?.headers?.[REQUEST_ID_HEADER]),
    }),
    formatError: (formatted, error) =>
      formatGraphQLError(formatted, error, {
        exposeInternals: options.exposeInternals,
        onInternalError: (e) => options.logger.error({ err: e }, 'internal error in a resolver'),
      }),
  });
}
