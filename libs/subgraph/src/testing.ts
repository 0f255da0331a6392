import { signIdentity, type Caller } from '@pdn/identity';

/** A GraphQL answer as specs read it: field by field, its exact shape being the test's subject. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GraphQLResponse = { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };

/**
 * For HTTP tests of one subgraph: sends a GraphQL request as `caller`, signed with the key the gateway
 * would use, and returns the parsed answer.
 */
export function signedGraphql(url: () => string, identitySigningKey: string) {
  return async (query: string, caller: Caller, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> => {
    const response = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signIdentity(caller, identitySigningKey) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse;
  };
}
