import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Kind, print, type DocumentNode, type GraphQLFormattedError } from 'graphql';

export interface PdnClientOptions {
  /** Member access token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Partner application secret, sent as `X-API-Key`. */
  apiKey?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * Automatic persisted queries: send an operation's SHA-256 alone, and its text only when the
   * gateway answers that it does not know it yet. The gateway knows every operation of this library
   * from the start (its safelist), so they always go by hash alone.
   */
  persistedQueries?: boolean;
}

/** A GraphQL response: GraphQL errors are part of it, not exceptions. */
export interface PdnResult<TData> {
  data?: TData | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
  /** HTTP status of the response. */
  status: number;
}

/** Thrown when the server does not answer with a GraphQL JSON response (a proxy's HTML page, say). */
export class PdnClientError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
    this.name = 'PdnClientError';
  }
}

// An operation without variables (or with only optional ones) may be called without them.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is exactly "no required property" here
type VariablesArg<TVariables> = {} extends TVariables ? [variables?: TVariables] : [variables: TVariables];

export class PdnClient {
  constructor(
    readonly url: string,
    private readonly options: PdnClientOptions = {},
  ) {}

  /** The same client acting as the member who holds `token`. */
  withToken(token: string | undefined): PdnClient {
    return new PdnClient(this.url, { ...this.options, token });
  }

  /** The same client acting as the partner application that holds `apiKey`. */
  withApiKey(apiKey: string | undefined): PdnClient {
    return new PdnClient(this.url, { ...this.options, apiKey });
  }

  async request<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    ...[variables]: VariablesArg<TVariables>
  ): Promise<PdnResult<TData>> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...this.options.headers,
    };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (this.options.apiKey) headers['x-api-key'] = this.options.apiKey;

    const query = textOf(document);
    const body = { operationName: operationName(document), variables };
    if (!this.options.persistedQueries) return this.send<TData>(headers, { query, ...body });
    const extensions = { persistedQuery: { version: 1, sha256Hash: await sha256Hex(query) } };
    const byHash = await this.send<TData>(headers, { ...body, extensions });
    if (!byHash.errors?.some((error) => error.message === PERSISTED_QUERY_NOT_FOUND)) return byHash;
    return this.send<TData>(headers, { query, ...body, extensions });
  }

  private async send<TData>(headers: Record<string, string>, request: object): Promise<PdnResult<TData>> {
    const response = await (this.options.fetch ?? fetch)(this.url, { method: 'POST', headers, body: JSON.stringify(request) });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PdnClientError(
        `${this.url} answered HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
        response.status,
        text,
      );
    }
    if (!isGraphQLResponse(body)) {
      throw new PdnClientError(
        `${this.url} answered HTTP ${response.status} with JSON that is not a GraphQL response`,
        response.status,
        text,
      );
    }
    return { ...(body as Omit<PdnResult<TData>, 'status'>), status: response.status };
  }
}

// The APQ protocol's message (its code becomes the contract's BAD_USER_INPUT at the gateway).
const PERSISTED_QUERY_NOT_FOUND = 'PersistedQueryNotFound';

const texts = new WeakMap<DocumentNode, string>();

/** The text sent for a document: tools/codegen hashes the same `print` for the gateway's safelist. */
function textOf(document: DocumentNode): string {
  let text = texts.get(document);
  if (text === undefined) {
    text = print(document);
    texts.set(document, text);
  }
  return text;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function operationName(document: DocumentNode): string | undefined {
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) return definition.name?.value;
  }
  return undefined;
}

function isGraphQLResponse(body: unknown): boolean {
  return typeof body === 'object' && body !== null && ('data' in body || 'errors' in body);
}
