import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { type GatewayConfig, KNOWN_SUBGRAPHS, type KnownSubgraph } from './gateway.config.js';

export interface SubgraphEndpoint {
  name: string;
  url: string;
  timeoutMs: number;
}

export function readSupergraph(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read the supergraph at ${path} (${(error as NodeJS.ErrnoException).code ?? error}). ` +
        'Compose it with tools/compose, or point SUPERGRAPH_PATH at it.',
      { cause: error },
    );
  }
}

const isKnown = (name: string): name is KnownSubgraph => (KNOWN_SUBGRAPHS as readonly string[]).includes(name);

/**
 * The subgraphs named in the supergraph (its `join__Graph` enum), with the URL and timeout this
 * deployment gives them: the composed file holds development URLs, the environment holds the real ones.
 */
export function subgraphEndpoints(supergraphSdl: string, config: GatewayConfig): SubgraphEndpoint[] {
  const graphs = parse(supergraphSdl).definitions.find(
    (definition) => definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph',
  );
  if (graphs?.kind !== Kind.ENUM_TYPE_DEFINITION) {
    throw new Error('The supergraph has no join__Graph enum: is it a composed supergraph, not a subgraph schema?');
  }
  return (graphs.values ?? []).map((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const argument = (name: string) => {
      const arg = directive?.arguments?.find((a) => a.name.value === name);
      return arg?.value.kind === Kind.STRING ? arg.value.value : undefined;
    };
    const name = argument('name') ?? value.name.value.toLowerCase();
    const url = argument('url') ?? '';
    return isKnown(name)
      ? { name, ...config.subgraphs[name] }
      : { name, url, timeoutMs: config.defaultSubgraphTimeoutMs };
  });
}
