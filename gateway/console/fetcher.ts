// GraphiQL's fetcher: queries and mutations over HTTP, subscriptions over graphql-ws, both to the
// gateway that served the page, with the signed-in member's access token.
import { type FormattedExecutionResult, getOperationAST, parse } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { type GraphQLRequest, postGraphQL } from './graphql-http.js';

export interface ConsoleFetcherOptions {
  graphqlUrl: string;
  websocketUrl: string;
  accessToken(): string | undefined;
  /** Every query or mutation result, for the saved reports' highlights and the schema notice. */
  onResult?(operationName: string | undefined, result: FormattedExecutionResult): void;
}

export type ConsoleFetcher = ((request: GraphQLRequest) => Promise<FormattedExecutionResult> | AsyncIterable<FormattedExecutionResult>) & {
  /** Ends every subscription and closes the WebSocket, e.g. when the member signs out. */
  closeSubscriptions(): void;
};

/**
 * GraphiQL sends the operation name it last derived from the editor, which lags the editor's contents
 * by a debounce: a document with one operation runs that operation whatever name came with it.
 */
export function operationNameFor(query: string, requested: string | null | undefined): { name?: string; kind?: string } {
  let document;
  try {
    document = parse(query);
  } catch {
    return { name: requested ?? undefined }; // the gateway reports the syntax error
  }
  const operations = document.definitions.flatMap((d) => (d.kind === 'OperationDefinition' ? [d] : []));
  const chosen =
    (requested ? operations.find((o) => o.name?.value === requested) : undefined) ??
    (operations.length === 1 ? operations[0] : getOperationAST(document, requested ?? undefined));
  return chosen ? { name: chosen.name?.value, kind: chosen.operation } : { name: requested ?? undefined };
}

export function createConsoleFetcher(options: ConsoleFetcherOptions): ConsoleFetcher {
  let websocket: { client: Client; token: string | undefined } | undefined;

  // One connection per access token: the gateway authenticates a connection once, at connection_init.
  function websocketClient(): Client {
    const token = options.accessToken();
    if (websocket && websocket.token === token) return websocket.client;
    void websocket?.client.dispose();
    const client = createClient({
      url: options.websocketUrl,
      lazy: true,
      connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
    });
    websocket = { client, token };
    return client;
  }

  const fetcher = (request: GraphQLRequest): Promise<FormattedExecutionResult> | AsyncIterable<FormattedExecutionResult> => {
    const { name, kind } = operationNameFor(request.query, request.operationName);
    const payload = { query: request.query, variables: request.variables ?? undefined, operationName: name };
    if (kind === 'subscription') {
      return websocketClient().iterate<Record<string, unknown>, Record<string, unknown>>(
        payload as { query: string; variables?: Record<string, unknown>; operationName?: string },
      );
    }
    return postGraphQL(options.graphqlUrl, payload, options.accessToken()).then((result) => {
      options.onResult?.(name, result);
      return result;
    });
  };
  return Object.assign(fetcher, {
    closeSubscriptions() {
      void websocket?.client.dispose();
      websocket = undefined;
    },
  });
}
