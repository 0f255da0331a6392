import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { buildSchema, getIntrospectionQuery, getOperationAST, parse, validate } from 'graphql';
import { DomainError } from '@pdn/errors';
import { ANONYMOUS, type Caller } from '@pdn/identity';
import { DEFAULT_PERSISTED_OPERATIONS_PATH, loadGatewayConfig } from '../gateway.config.js';
import { loadSafelist, Safelist, sha256Hex } from '../persisted-queries/persisted-operations.js';
import { countTokens } from './query-analysis.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits, queryLimitSettings, queryLimitsOverrides } from './query-limits.js';
import { QueryProtection, type Requester, subscribeRefusal } from './query-protection.js';

// A schema small enough to write queries of any exact size against.
const schema = buildSchema(`
  type Query {
    node: Node
    nodes(first: Int, last: Int): NodeConnection!
    list: [Node!]!
    name: String
  }
  type Node { id: ID! name: String child: Node children: [Node!]! tags: [String!]! }
  type NodeConnection { edges: [NodeEdge!]! nodes: [Node!]! totalCount: Int! }
  type NodeEdge { cursor: String! node: Node! }
`);

const LIMITS: QueryLimits = { maxDepth: 4, maxAliases: 3, maxRootFields: 3, maxTokens: 40, maxRequestBytes: 500, maxCost: 100 };
const member: Caller = { kind: 'member', memberId: 'm-1', role: 'PROMENEUR', status: 'ACTIVE', departments: ['32'] };
const admin: Caller = { ...member, memberId: 'm-admin', role: 'ADMIN' };
const partner: Caller = { kind: 'partner', apiKeyId: 'k-1', scopes: ['CALENDAR_READ'], departments: ['32'] };

const REGISTERED = 'query Registered { name }';
const safelist = new Safelist([{ name: 'Registered', type: 'query', sha256: sha256Hex(REGISTERED), document: REGISTERED }]);

function protectionWith(options: { limits?: Partial<QueryLimits>; introspection?: 'everyone' | 'authenticated'; safelistOnly?: boolean } = {}) {
  const limits = { ...LIMITS, ...options.limits };
  return new QueryProtection({
    limits: { byKind: { anonymous: limits, member: limits, partner: limits }, defaultListSize: 20 },
    introspection: options.introspection ?? 'everyone',
    safelist,
    safelistOnly: options.safelistOnly ?? false,
  });
}

/** Runs both checks as the gateway does; the refusal's code and extensions, or 'ok'. */
function check(source: string, { protection = protectionWith(), requester = { caller: member } as Requester, variables = {} } = {}) {
  try {
    protection.checkSource(requester, { source, requestBytes: Buffer.byteLength(source) });
    const document = parse(source);
    expect(validate(schema, document)).toEqual([]);
    protection.checkOperation(requester, { schema, document, operation: getOperationAST(document)!, variables });
    return 'ok';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, ...error.extensions };
  }
}

const tooComplex = (limit: string, max: number, found: number) => ({ code: 'QUERY_TOO_COMPLEX', limit, max, found });

describe('query limits', () => {
  it('should allow the maximum depth and refuse one level more', () => {
    expect(check('{ node { child { child { id } } } }')).toBe('ok');
    expect(check('{ node { child { child { child { id } } } } }')).toEqual(tooComplex('depth', 4, 5));
  });

  it('should allow the maximum number of aliases and refuse one more, counting those in fragments', () => {
    expect(check('{ a: name b: name c: name }')).toBe('ok');
    expect(check('{ a: name b: name c: name d: name }', { protection: protectionWith({ limits: { maxRootFields: 9 } }) })).toEqual(
      tooComplex('aliases', 3, 4),
    );
    // One aliased field in a fragment spread twice, plus two: four.
    expect(check('{ a: node { ...F } b: node { ...F } } fragment F on Node { x: id }', { protection: protectionWith({ limits: { maxTokens: 99 } }) })).toEqual(
      tooComplex('aliases', 3, 4),
    );
  });

  it('should allow the maximum number of root fields and refuse one more, fragments expanded', () => {
    expect(check('{ name node { id } list { id } }')).toBe('ok');
    expect(check('{ name ...R } fragment R on Query { node { id } list { id } nodes { totalCount } }', { protection: protectionWith({ limits: { maxTokens: 99 } }) })).toEqual(
      tooComplex('rootFields', 3, 4),
    );
  });

  it('should allow the maximum number of tokens and refuse one more, as graphql-js counts them', () => {
    const forty = `{ node { ${'id '.repeat(35)}} }`; // { node { … } } is 5 tokens
    expect(countTokens(forty)).toBe(40);
    expect(() => parse(`${forty} # a comment is not a token`, { maxTokens: 40 })).not.toThrow();
    expect(() => parse(forty, { maxTokens: 39 })).toThrow(/39 tokens/);
    expect(countTokens(`${forty} # a comment is not a token`)).toBe(40);
    expect(check(forty)).toBe('ok');
    expect(check(`{ node { ${'id '.repeat(36)}} }`)).toEqual(tooComplex('tokens', 40, 41));
  });

  it('should allow a request of the maximum size and refuse one byte more', () => {
    const protection = protectionWith({ limits: { maxTokens: 1000 } });
    const source = '{ name }';
    const at = (requestBytes: number) => {
      try {
        protection.checkSource({ caller: member }, { source, requestBytes });
        return 'ok';
      } catch (error) {
        return { code: (error as DomainError).code, ...(error as DomainError).extensions };
      }
    };
    expect(at(500)).toBe('ok');
    expect(at(501)).toEqual(tooComplex('requestBytes', 500, 501));
  });

  describe('cost', () => {
    // nodes(first: n) { edges { node { id } } } costs 1 + n × (edges 1 + node (1 + id 1)) = 1 + 3n.
    it('should multiply a connection by its first argument, its edges counted once', () => {
      expect(check('{ nodes(first: 33) { edges { node { id } } } }')).toBe('ok'); // 100
      expect(check('{ nodes(first: 34) { edges { node { id } } } }')).toEqual(tooComplex('cost', 100, 103));
    });

    it('should read first and last from the variables, then from their defaults', () => {
      const query = 'query($n: Int = 34) { nodes(last: $n) { nodes { id } } }'; // 1 + n × 2
      expect(check(query, { variables: { n: 49 } })).toBe('ok'); // 99
      expect(check(query, { variables: { n: 50 } })).toEqual(tooComplex('cost', 100, 101));
      expect(check(query)).toBe('ok'); // 69
    });

    it('should measure a document it has seen again with the variables of each request', () => {
      // As Apollo does: one parsed document per query text, checked on every request.
      const protection = protectionWith();
      const document = parse('query($n: Int = 34) { nodes(last: $n) { nodes { id } } }');
      const checkWith = (variables: Record<string, unknown>) =>
        refusalOf(() => protection.checkOperation({ caller: member }, { schema, document, operation: getOperationAST(document)!, variables }));
      for (let round = 0; round < 2; round++) {
        expect(checkWith({ n: 49 })).toBeUndefined();
        expect(checkWith({ n: 50 })).toEqual(expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }));
        expect(checkWith({})).toBeUndefined();
      }
      // Variables too deep to serialise are still measured (and refused by graphql-js later, not here).
      let deep: unknown = 1;
      for (let i = 0; i < 20_000; i++) deep = { a: deep };
      expect(checkWith({ n: deep })).toBeUndefined();
    });

    it('should count a connection without first or last, and a plain list, at the default size of 20', () => {
      // 1 + 20 × (1 + 1 × (1 + 1)) = 61 for the connection; 1 + 20 × 1 = 21 for the list: 82
      expect(check('{ nodes { edges { node { id } } } list { id } }')).toBe('ok');
      // a nested list multiplies again: 1 + 20 × (id 1 + children (1 + 20 × 1)) = 441
      expect(check('{ list { id children { id } } }')).toEqual(tooComplex('cost', 100, 441));
    });

    it('should use the configured default list size', () => {
      const small = new QueryProtection({
        limits: { byKind: { anonymous: LIMITS, member: LIMITS, partner: LIMITS }, defaultListSize: 4 },
        introspection: 'everyone',
        safelist,
        safelistOnly: false,
      });
      // 1 + 4 × (1 + (1 + 4 × 1)) + 1 = 26
      expect(check('{ list { id children { id } } name }', { protection: small })).toBe('ok');
    });

    it('should count a list of scalars as one field', () => {
      expect(check('{ node { tags } }')).toBe('ok');
    });

    it('should expand fragments and inline fragments', () => {
      const query = `{ nodes(first: 34) { ...Page } } fragment Page on NodeConnection { edges { ... on NodeEdge { node { id } } } }`;
      expect(check(query, { protection: protectionWith({ limits: { maxTokens: 99 } }) })).toEqual(tooComplex('cost', 100, 103));
    });

    it('should measure a fragment bomb without expanding it', () => {
      // Each fragment spreads the next twice: 2^30 copies of `name` once expanded.
      const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
      const source = `{ ...F0 }\n${fragments}\nfragment F30 on Query { name }`;
      const protection = protectionWith({ limits: { maxTokens: 10_000, maxRequestBytes: 10_000, maxRootFields: 2 ** 31 } });
      expect(check(source, { protection })).toEqual(tooComplex('cost', 100, 2 ** 30));
    });
  });

  it('should not loop on fragments that spread each other (validation refuses them)', () => {
    const protection = protectionWith();
    const document = parse('{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }');
    expect(validate(schema, document)).not.toEqual([]);
    expect(() => protection.checkOperation({ caller: member }, { schema, document, operation: getOperationAST(document)! })).not.toThrow();
  });

  it('should choose the limits of the kind of caller', () => {
    const protection = new QueryProtection({
      limits: queryLimitSettings({ anonymous: { maxDepth: 2 }, partner: { maxDepth: 3 } }),
      introspection: 'everyone',
      safelist,
      safelistOnly: false,
    });
    const deep = '{ node { child { id } } }'; // 3
    expect(check(deep, { protection, requester: { caller: ANONYMOUS } })).toEqual(tooComplex('depth', 2, 3));
    expect(check(deep, { protection, requester: { caller: partner } })).toBe('ok');
    expect(check(deep, { protection, requester: { caller: admin } })).toBe('ok');
  });

  it('should read QUERY_LIMITS overrides over the defaults and refuse unknown names', () => {
    const overrides = queryLimitsOverrides.parse('{"anonymous":{"maxCost":5000},"partner":{"maxDepth":8}}');
    const settings = queryLimitSettings(overrides, 10);
    expect(settings.byKind.anonymous).toEqual({ ...DEFAULT_QUERY_LIMITS.byKind.anonymous, maxCost: 5000 });
    expect(settings.byKind.partner.maxDepth).toBe(8);
    expect(settings.byKind.member).toEqual(DEFAULT_QUERY_LIMITS.byKind.member);
    expect(settings.defaultListSize).toBe(10);
    expect(queryLimitsOverrides.safeParse('{"anonymous":{"maxDeep":3}}').success).toBe(false);
    expect(queryLimitsOverrides.safeParse('{"robots":{}}').success).toBe(false);
    expect(queryLimitsOverrides.safeParse('{"member":{"maxCost":0}}').success).toBe(false);
    expect(queryLimitsOverrides.safeParse('not json').success).toBe(false);
  });

  it('should read the settings from the environment and stop at boot on a bad limit, naming it', () => {
    const config = loadGatewayConfig({
      QUERY_LIMITS: '{"member":{"maxDepth":14}}',
      QUERY_DEFAULT_LIST_SIZE: '50',
      SAFELIST_ONLY: 'true',
      APQ_TTL_SECONDS: '600',
      PERSISTED_OPERATIONS_PATH: '/srv/safelist.json',
    }).queryProtection;
    expect(config).toEqual({
      limits: { byKind: { ...DEFAULT_QUERY_LIMITS.byKind, member: { ...DEFAULT_QUERY_LIMITS.byKind.member, maxDepth: 14 } }, defaultListSize: 50 },
      safelistOnly: true,
      apqTtlSeconds: 600,
      persistedOperationsPath: '/srv/safelist.json',
      redisUrl: undefined,
    });
    expect(loadGatewayConfig({}).queryProtection).toMatchObject({ limits: DEFAULT_QUERY_LIMITS, safelistOnly: false, apqTtlSeconds: 86_400 });
    expect(() => loadGatewayConfig({ QUERY_LIMITS: '{"partner":{"maxDepth":0}}' })).toThrow(/QUERY_LIMITS: partner\.maxDepth must be a whole number from 1/);
  });
});

describe('introspection', () => {
  const introspection = '{ __schema { queryType { name } } }';

  it('should refuse anonymous callers where introspection needs authentication, and allow members and keys', () => {
    const protection = protectionWith({ introspection: 'authenticated' });
    expect(check(introspection, { protection, requester: { caller: ANONYMOUS } })).toEqual({ code: 'UNAUTHENTICATED' });
    expect(check('{ __type(name: "Node") { name } }', { protection, requester: { caller: ANONYMOUS } })).toEqual({
      code: 'UNAUTHENTICATED',
    });
    expect(check(introspection, { protection, requester: { caller: member } })).toBe('ok');
    expect(check(introspection, { protection, requester: { caller: partner } })).toBe('ok');
    // __typename is not introspection.
    expect(check('{ __typename node { __typename } }', { protection, requester: { caller: ANONYMOUS } })).toBe('ok');
  });

  it('should allow anonymous introspection where everyone may introspect (development)', () => {
    expect(check(introspection, { requester: { caller: ANONYMOUS } })).toBe('ok');
  });

  it("should let tools' full introspection query through the default limits of every caller", () => {
    const protection = new QueryProtection({ limits: DEFAULT_QUERY_LIMITS, introspection: 'everyone', safelist, safelistOnly: false });
    const source = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
    for (const caller of [ANONYMOUS, member, partner]) expect(check(source, { protection, requester: { caller } })).toBe('ok');
  });

  it('should bound nested introspection by depth', () => {
    const protection = protectionWith({ limits: { maxTokens: 99 } });
    expect(check('{ __schema { types { fields { name } } } }', { protection })).toBe('ok');
    expect(check('{ __schema { types { fields { type { fields { name } } } } } }', { protection })).toEqual(tooComplex('depth', 4, 6));
  });
});

describe('safelist', () => {
  const persistedOnlyKey: Requester = { caller: partner, apiKey: { id: 'k-1', persistedOnly: true, rateLimitPerMinute: null } };
  const ordinaryKey: Requester = { caller: partner, apiKey: { id: 'k-2', persistedOnly: false, rateLimitPerMinute: null } };

  it('should let a persistedOnly key run the registered operations only, to the byte', () => {
    expect(check(REGISTERED, { requester: persistedOnlyKey })).toBe('ok');
    expect(check('{ name }', { requester: persistedOnlyKey })).toEqual({ code: 'FORBIDDEN' });
    expect(check(`${REGISTERED} `, { requester: persistedOnlyKey })).toEqual({ code: 'FORBIDDEN' });
    expect(check('{ name }', { requester: ordinaryKey })).toBe('ok');
  });

  it('should restrict everyone but coordinators and admins with SAFELIST_ONLY', () => {
    const protection = protectionWith({ safelistOnly: true });
    for (const caller of [ANONYMOUS, member, partner]) {
      expect(check('{ name }', { protection, requester: { caller } })).toEqual({ code: 'FORBIDDEN' });
      expect(check(REGISTERED, { protection, requester: { caller } })).toBe('ok');
    }
    const coordinator: Caller = { ...member, memberId: 'm-coordinator', role: 'COORDINATOR' };
    for (const caller of [coordinator, admin]) expect(check('{ name }', { protection, requester: { caller } })).toBe('ok');
  });
});

describe('subscribe messages (graphql-ws)', () => {
  const withSubscriptions = buildSchema(`
    type Query { name: String }
    type Subscription { nodeAdded: Node! }
    type Node { id: ID! name: String child: Node children: [Node!]! }
  `);
  const refusalFor = (query: string, requester: Requester = { caller: member }) =>
    subscribeRefusal(protectionWith(), requester, withSubscriptions, { query })?.map((error) => ({ message: error.message, ...error.extensions }));

  it('should pass a subscription within the limits', () => {
    expect(refusalFor('subscription { nodeAdded { id child { id } } }')).toBeUndefined();
  });

  it('should refuse one over a limit with the same error as HTTP, without an HTTP status', () => {
    expect(refusalFor('subscription { nodeAdded { child { child { child { id } } } } }')).toEqual([
      { message: 'The operation nests fields 5 levels deep, over the limit of 4.', code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 4, found: 5 },
    ]);
    expect(refusalFor('subscription { nodeAdded { children { children { id } } } }')).toEqual([
      expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 100, found: 422 }),
    ]);
    expect(refusalFor(`subscription { nodeAdded { ${'id '.repeat(40)}} }`)).toEqual([expect.objectContaining({ limit: 'tokens', found: 46 })]);
  });

  it('should apply the safelist to persistedOnly keys', () => {
    const key: Requester = { caller: partner, apiKey: { id: 'k', persistedOnly: true, rateLimitPerMinute: null } };
    expect(refusalFor('subscription { nodeAdded { id } }', key)).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  });

  it('should leave a document that does not parse to graphql-ws', () => {
    expect(refusalFor('subscription { nodeAdded { id }')).toBeUndefined();
  });
});

describe("libs/client's operations", () => {
  const apiSchema = buildSchema(readFileSync(new URL('../../../libs/client/schema.graphql', import.meta.url), 'utf8'));
  const manifest = loadSafelist(DEFAULT_PERSISTED_OPERATIONS_PATH);
  const operations = Object.entries(
    (JSON.parse(readFileSync(DEFAULT_PERSISTED_OPERATIONS_PATH, 'utf8')) as { operations: Record<string, { document: string; sha256: string }> })
      .operations,
  );

  it('should all be in the safelist with the hash of their text', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(manifest.size).toBe(operations.length);
    for (const [, { document, sha256 }] of operations) expect(manifest.allows(document, sha256)).toBe(true);
  });

  // `first` at 100, the most the subgraphs serve (MAX_PAGE_SIZE of @pdn/pagination), and unset (20).
  it.each([{}, { first: 100 }])('should all pass the member limits, with variables %j', (variables) => {
    const protection = new QueryProtection({ limits: DEFAULT_QUERY_LIMITS, introspection: 'authenticated', safelist: manifest, safelistOnly: true });
    for (const [name, { document: source }] of operations) {
      const requester: Requester = { caller: member, apiKey: { id: 'k', persistedOnly: true, rateLimitPerMinute: null } };
      const document = parse(source);
      expect({ name, errors: validate(apiSchema, document).map(String) }).toEqual({ name, errors: [] });
      const run = () => {
        protection.checkSource(requester, { source, requestBytes: Buffer.byteLength(JSON.stringify({ query: source, variables })) });
        protection.checkOperation(requester, { schema: apiSchema, document, operation: getOperationAST(document)!, variables });
      };
      expect({ name, refusal: refusalOf(run) }).toEqual({ name, refusal: undefined });
    }
  });
});

function refusalOf(run: () => void): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? { code: error.code, ...error.extensions } : error;
  }
}
