import { z } from 'zod';
import type { Caller } from '@pdn/identity';

/** Who the limits are chosen for: coordinators and admins are members here. */
export type CallerKind = Caller['kind'];
export const CALLER_KINDS = ['anonymous', 'member', 'partner'] as const satisfies readonly CallerKind[];

/** The limits one kind of caller works within; a request over any of them is refused before planning. */
export interface QueryLimits {
  /** Levels of nested fields (`{ me { id } }` is 2). */
  maxDepth: number;
  /** Aliased fields, fragments expanded. */
  maxAliases: number;
  /** Fields at the root of the operation. */
  maxRootFields: number;
  /** Lexical tokens of the document, as graphql-js counts them. */
  maxTokens: number;
  /** Size of the HTTP body (or of a graphql-ws subscribe message), in bytes. */
  maxRequestBytes: number;
  /** Estimated cost: each field 1, a list multiplying its subtree by its `first`/`last` or the default size. */
  maxCost: number;
}

export type QueryLimitName = 'depth' | 'aliases' | 'rootFields' | 'tokens' | 'requestBytes' | 'cost';

export interface QueryLimitSettings {
  byKind: Record<CallerKind, QueryLimits>;
  /** Expected length of a list whose size no `first`/`last` argument gives. */
  defaultListSize: number;
}

// Measured on libs/client's operations (query-limits.spec.ts checks they all pass the member limits,
// with `first` at the 100 the subgraphs allow): depth 8, no alias, 2 root fields, 133 tokens,
// 1.1 kB, cost 14,401 (Feed with first: 100). Tools' introspection query: depth 6, cost 230, 184 tokens.
// Anonymous callers only read public pages and sign in; partners read (API scopes are read-only).
export const DEFAULT_QUERY_LIMITS: QueryLimitSettings = {
  byKind: {
    anonymous: { maxDepth: 10, maxAliases: 10, maxRootFields: 5, maxTokens: 1000, maxRequestBytes: 32 * 1024, maxCost: 10_000 },
    member: { maxDepth: 12, maxAliases: 30, maxRootFields: 15, maxTokens: 5000, maxRequestBytes: 1024 * 1024, maxCost: 25_000 },
    partner: { maxDepth: 12, maxAliases: 20, maxRootFields: 10, maxTokens: 3000, maxRequestBytes: 64 * 1024, maxCost: 25_000 },
  },
  defaultListSize: 20,
};

const limit = z.number({ error: 'must be a whole number from 1' }).int({ error: 'must be a whole number from 1' }).min(1, { error: 'must be a whole number from 1' });
const partialLimits = z
  .strictObject({
    maxDepth: limit,
    maxAliases: z.number().int().min(0, { error: 'must be a whole number from 0' }),
    maxRootFields: limit,
    maxTokens: limit,
    maxRequestBytes: limit.max(100 * 1024 * 1024, { error: 'must be at most 104857600 (100 MiB)' }),
    maxCost: limit,
  })
  .partial();

const Overrides = z
  .strictObject(
    { anonymous: partialLimits, member: partialLimits, partner: partialLimits },
    { error: 'keys are anonymous, member and partner, each with any of maxDepth, maxAliases, maxRootFields, maxTokens, maxRequestBytes, maxCost' },
  )
  .partial();

/**
 * `QUERY_LIMITS`: JSON overriding any of the defaults per kind of caller, e.g.
 * `{"anonymous":{"maxCost":5000},"partner":{"maxDepth":8,"maxRequestBytes":16384}}`.
 */
export const queryLimitsOverrides = z.string().transform((text, context) => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    context.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"anonymous":{"maxCost":5000}}' });
    return z.NEVER;
  }
  const parsed = Overrides.safeParse(json);
  if (parsed.success) return parsed.data;
  // Named by their path inside the JSON: the variable alone would not say which limit is wrong.
  for (const issue of parsed.error.issues) {
    const where = issue.path.join('.');
    context.addIssue({ code: 'custom', message: where ? `${where} ${issue.message}` : issue.message });
  }
  return z.NEVER;
});

export type QueryLimitsOverrides = z.infer<typeof queryLimitsOverrides>;

export function queryLimitSettings(overrides: QueryLimitsOverrides = {}, defaultListSize = DEFAULT_QUERY_LIMITS.defaultListSize): QueryLimitSettings {
  const byKind = Object.fromEntries(
    CALLER_KINDS.map((kind) => [kind, { ...DEFAULT_QUERY_LIMITS.byKind[kind], ...overrides[kind] }]),
  ) as Record<CallerKind, QueryLimits>;
  return { byKind, defaultListSize };
}
