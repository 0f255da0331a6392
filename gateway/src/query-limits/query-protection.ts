import { type DocumentNode, getOperationAST, GraphQLError, type GraphQLSchema, type OperationDefinitionNode, parse } from 'graphql';
import { DomainError, ErrorCode, forbidden, unauthenticated } from '@pdn/errors';
import { type Caller, isCoordinator } from '@pdn/identity';
import { type Safelist, sha256Hex } from '../persisted-queries/persisted-operations.js';
import type { ApiKeyGrant } from '../subgraph-data-source.js';
import { countTokens, measureOperation, type OperationMeasures } from './query-analysis.js';
import type { QueryLimitName, QueryLimits, QueryLimitSettings } from './query-limits.js';

/** Who sends the operation: the caller, and the API key's grant when a partner key authenticated. */
export interface Requester {
  caller: Caller;
  apiKey?: ApiKeyGrant;
}

export interface QueryProtectionOptions {
  limits: QueryLimitSettings;
  /** `authenticated`: anonymous callers may not introspect the schema (production). */
  introspection: 'everyone' | 'authenticated';
  safelist: Safelist;
  /**
   * Every caller but coordinators and admins may run only the safelist's operations (SAFELIST_ONLY):
   * coordinators keep the console's ad-hoc queries and saved reports.
   */
  safelistOnly: boolean;
}

export interface SourceToCheck {
  source: string;
  /** Hex SHA-256 of `source`, when already known (Apollo computes it). */
  sha256?: string;
  /** Bytes of the request that carried it (HTTP body, or graphql-ws subscribe message). */
  requestBytes: number;
}

export interface OperationToCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables?: Readonly<Record<string, unknown>> | null;
}

const LIMIT_OF: Record<QueryLimitName, keyof QueryLimits> = {
  depth: 'maxDepth',
  aliases: 'maxAliases',
  rootFields: 'maxRootFields',
  tokens: 'maxTokens',
  requestBytes: 'maxRequestBytes',
  cost: 'maxCost',
};

const MESSAGES: Record<QueryLimitName, (found: number | undefined, max: number) => string> = {
  depth: (found, max) => `The operation nests fields ${found} levels deep, over the limit of ${max}.`,
  aliases: (found, max) => `The operation uses ${found} aliases, over the limit of ${max}.`,
  rootFields: (found, max) => `The operation selects ${found} root fields, over the limit of ${max}.`,
  tokens: (found, max) => `The document has ${found} tokens, over the limit of ${max}.`,
  requestBytes: (found, max) =>
    found === undefined ? `The request is larger than the limit of ${max} bytes.` : `The request takes ${found} bytes, over the limit of ${max}.`,
  cost: (found, max) =>
    `The operation has an estimated cost of ${found}, over the limit of ${max}: ask for fewer items (first/last) or fewer fields.`,
};

/** QUERY_TOO_COMPLEX, naming the limit, its value for this caller and what the request reached. */
export function queryTooComplex(limit: QueryLimitName, max: number, found?: number): DomainError {
  const extensions = found === undefined ? { limit, max } : { limit, max, found };
  return new DomainError(ErrorCode.QUERY_TOO_COMPLEX, MESSAGES[limit](found, max), { extensions });
}

export function limitsFor(settings: QueryLimitSettings, caller: Caller): QueryLimits {
  return settings.byKind[caller.kind];
}

/**
 * The checks every operation passes before the gateway plans it, over HTTP (query-limits.plugin.ts)
 * and graphql-ws (subscriptions.ts): the safelist, size and tokens before parsing; introspection,
 * depth, aliases, root fields and cost on the validated document. Each throws a DomainError.
 */
/** Sources and variable sets remembered per operation: clients repeat the same few operations. */
const MAX_REMEMBERED = 1000;
const MAX_REMEMBERED_SOURCE_CHARS = 64 * 1024;
const MAX_VARIABLE_SETS_PER_OPERATION = 64;

const MAX_VARIABLES_KEY_CHARS = 4096;

function variablesKey(variables: Readonly<Record<string, unknown>> | null | undefined): string | undefined {
  try {
    const key = JSON.stringify(variables ?? {});
    return key.length <= MAX_VARIABLES_KEY_CHARS ? key : undefined;
  } catch {
    return undefined;
  }
}

export class QueryProtection {
  /** The most any caller may send: what the HTTP body parser and graphql-js's parser enforce first. */
  readonly highestLimits: QueryLimits;
  /** Tokens per source text, counted once. */
  private readonly tokenCounts = new Map<string, number>();
  /**
   * Measures per operation (Apollo keeps one parsed document per query text) and variables (list sizes
   * may come from them), measured once per schema.
   */
  private readonly measured = new WeakMap<OperationDefinitionNode, { schema: GraphQLSchema; byVariables: Map<string, OperationMeasures> }>();

  constructor(readonly options: QueryProtectionOptions) {
    const kinds = Object.values(options.limits.byKind);
    const highest = (name: keyof QueryLimits) => Math.max(...kinds.map((limits) => limits[name]));
    this.highestLimits = {
      maxDepth: highest('maxDepth'),
      maxAliases: highest('maxAliases'),
      maxRootFields: highest('maxRootFields'),
      maxTokens: highest('maxTokens'),
      maxRequestBytes: highest('maxRequestBytes'),
      maxCost: highest('maxCost'),
    };
  }

  /** Before parsing. */
  checkSource({ caller, apiKey }: Requester, { source, sha256, requestBytes }: SourceToCheck): void {
    const limits = limitsFor(this.options.limits, caller);
    const safelistOnly = apiKey?.persistedOnly || (this.options.safelistOnly && !isCoordinator(caller));
    if (safelistOnly && !this.options.safelist.allows(source, sha256 ?? sha256Hex(source))) {
      throw forbidden(
        apiKey?.persistedOnly
          ? 'This API key may run only the persisted operations of the PDN client (libs/client): send one of them, by hash or as its exact text.'
          : 'This API accepts only the persisted operations of the PDN client (libs/client).',
      );
    }
    this.within(limits, 'requestBytes', requestBytes);
    this.within(limits, 'tokens', this.tokensOf(source));
  }

  private tokensOf(source: string): number {
    const known = this.tokenCounts.get(source);
    if (known !== undefined) return known;
    const tokens = countTokens(source);
    if (source.length <= MAX_REMEMBERED_SOURCE_CHARS) {
      if (this.tokenCounts.size >= MAX_REMEMBERED) this.tokenCounts.clear();
      this.tokenCounts.set(source, tokens);
    }
    return tokens;
  }

  private measuresOf(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Readonly<Record<string, unknown>> | null | undefined,
  ): OperationMeasures {
    let entry = this.measured.get(operation);
    if (!entry || entry.schema !== schema) {
      entry = { schema, byVariables: new Map() };
      this.measured.set(operation, entry);
    }
    const measure = () => measureOperation(schema, document, operation, variables, { defaultListSize: this.options.limits.defaultListSize });
    const key = operation.variableDefinitions?.length ? variablesKey(variables) : '';
    // Hostile variables (nested too deep to serialise, or huge) are measured without being remembered.
    if (key === undefined) return measure();
    const known = entry.byVariables.get(key);
    if (known) return known;
    const measures = measure();
    if (entry.byVariables.size >= MAX_VARIABLE_SETS_PER_OPERATION) entry.byVariables.clear();
    entry.byVariables.set(key, measures);
    return measures;
  }

  /** On the parsed and validated document. */
  checkOperation({ caller }: Requester, { schema, document, operation, variables }: OperationToCheck): void {
    const limits = limitsFor(this.options.limits, caller);
    const measures = this.measuresOf(schema, document, operation, variables);
    if (measures.introspection && caller.kind === 'anonymous' && this.options.introspection === 'authenticated') {
      throw unauthenticated('Introspecting the schema needs a member session or an API key.');
    }
    this.within(limits, 'depth', measures.depth);
    this.within(limits, 'aliases', measures.aliases);
    this.within(limits, 'rootFields', measures.rootFields);
    this.within(limits, 'cost', measures.cost);
  }

  private within(limits: QueryLimits, limit: QueryLimitName, found: number): void {
    const max = limits[LIMIT_OF[limit]];
    if (found > max) throw queryTooComplex(limit, max, found);
  }
}

/** A graphql-ws subscribe message, as far as the checks go. */
export interface SubscribeMessage {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * The same checks for a graphql-ws subscribe message, as errors graphql-ws sends back (and the
 * subscription does not start); undefined when it may run. A document that does not parse is left to
 * graphql-ws, which reports the syntax error itself.
 */
export function subscribeRefusal(
  protection: QueryProtection,
  requester: Requester,
  schema: GraphQLSchema,
  message: SubscribeMessage,
): GraphQLError[] | undefined {
  try {
    protection.checkSource(requester, { source: message.query, requestBytes: Buffer.byteLength(JSON.stringify(message)) });
    let document: DocumentNode;
    try {
      document = parse(message.query, { maxTokens: protection.highestLimits.maxTokens });
    } catch {
      return undefined;
    }
    const operation = getOperationAST(document, message.operationName ?? undefined);
    if (operation) protection.checkOperation(requester, { schema, document, operation, variables: message.variables });
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return [new GraphQLError(error.message, { originalError: error, extensions: { ...error.extensions, code: error.code } })];
  }
}
