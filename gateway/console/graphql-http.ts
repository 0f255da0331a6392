// GraphQL over HTTP from the console to its own gateway (same origin): one POST, JSON in and out.
import type { FormattedExecutionResult } from 'graphql';

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export async function postGraphQL(url: string, request: GraphQLRequest, accessToken?: string): Promise<FormattedExecutionResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  if (accessToken) headers['authorization'] = `Bearer ${accessToken}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(request) });
  const type = response.headers.get('content-type') ?? '';
  if (!/json/.test(type)) throw new Error(`The gateway answered ${response.status} ${response.statusText}`.trim());
  return (await response.json()) as FormattedExecutionResult;
}
