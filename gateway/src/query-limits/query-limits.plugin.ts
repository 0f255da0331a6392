import { type ApolloServerPlugin, type GraphQLRequest, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { badInput, DomainError, ErrorCode } from '@pdn/errors';
import { currentRequest } from '../request-context.js';
import type { GatewayContext } from '../subgraph-data-source.js';
import type { QueryProtection } from './query-protection.js';

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.QUERY_TOO_COMPLEX]: 400,
};

/** The refusal as Apollo answers it: with its HTTP status (Apollo reads and strips `extensions.http`). */
function asHttpRefusal(error: DomainError): GraphQLError {
  const status = error.extensions.limit === 'requestBytes' ? 413 : (STATUS[error.code] ?? 400);
  const headers = new HeaderMap(status === 401 ? [['www-authenticate', 'Bearer']] : []);
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { ...error.extensions, code: error.code, http: { status, headers } },
  });
}

/** The body's size as the client sent it; without Content-Length (chunked), the request re-encoded. */
function requestBytes(request: GraphQLRequest): number {
  const declared = Number(request.http?.headers.get('content-length'));
  if (Number.isInteger(declared) && declared >= 0) return declared;
  const { query, operationName, variables, extensions } = request;
  return Buffer.byteLength(JSON.stringify({ query, operationName, variables, extensions }));
}

/**
 * Refuses, before the gateway plans anything, what the caller may not run: operations outside the
 * safelist for persistedOnly keys, requests over the caller's limits, and introspection by anonymous
 * callers in production. Nothing refused is sent to a subgraph or registered in the APQ cache.
 *
 * The safelist, size and token checks need only the source, but Apollo answers an error thrown from
 * didResolveSource with a 500: the refusal is kept and thrown from didResolveOperation. If parsing or
 * validation fails first (parsing stops at the largest token limit of any caller), the refusal
 * replaces their errors in the response: the caller learns which of its limits it went over.
 */
export function queryLimitsPlugin(protection: QueryProtection): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const requester = ({ caller, apiKey }: GatewayContext) => ({ caller, apiKey });
      let refusal: DomainError | undefined;
      let thrown = false;
      const refuse = (error: unknown): never => {
        if (!(error instanceof DomainError)) throw error;
        thrown = true;
        throw asHttpRefusal(error);
      };
      return {
        async didResolveSource({ source, queryHash, request, contextValue }) {
          try {
            protection.checkSource(requester(contextValue), { source, sha256: queryHash, requestBytes: requestBytes(request) });
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            refusal = error;
          }
        },
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (refusal) refuse(refusal);
          // The gateway's executor would throw on either (a 500): they are the client's mistakes.
          if (!operation) {
            refuse(
              badInput(
                'operationName',
                request.operationName ? `No operation named "${request.operationName}" in the document.` : 'The document has several operations: name one in operationName.',
              ),
            );
            return;
          }
          if (operation.operation === 'subscription') {
            refuse(badInput('query', 'Subscriptions are served over WebSocket (graphql-ws) at /graphql, not over HTTP.'));
          }
          try {
            protection.checkOperation(requester(contextValue), { schema, document, operation, variables: request.variables });
          } catch (error) {
            refuse(error);
          }
        },
        async didEncounterErrors({ request, errors }) {
          // Apollo's APQ refusals ("provided sha does not match query", an unsupported version) carry
          // an HTTP status but no code: they are the client's mistake, not internal errors.
          if (!request.extensions?.['persistedQuery']) return;
          for (const error of errors) {
            const extensions = error.extensions as Record<string, unknown>;
            if (extensions['code'] === undefined && (extensions['http'] as { status?: number } | undefined)?.status === 400) {
              extensions['code'] = ErrorCode.BAD_USER_INPUT;
            }
          }
        },
        async willSendResponse({ response }) {
          if (!refusal || thrown) return;
          const { http, ...visible } = asHttpRefusal(refusal).extensions as Record<string, unknown> & { http: { status: number } };
          response.body = { kind: 'single', singleResult: { errors: [{ message: refusal.message, extensions: visible }] } };
          response.http.status = http.status;
          const record = currentRequest();
          if (record) record.errorCodes = [refusal.code];
        },
      };
    },
  };
}
