import { composeServices } from '@apollo/composition';
import { BENCH_SUBGRAPH_NAMES, BENCH_TYPE_DEFS, type BenchSubgraphName } from './bench-subgraphs.js';

/** The supergraph of the four subgraphs at their running URLs, composed at start as tools/compose does. */
export function composeBenchSupergraph(urls: Record<BenchSubgraphName, string>): string {
  const result = composeServices(BENCH_SUBGRAPH_NAMES.map((name) => ({ name, typeDefs: BENCH_TYPE_DEFS[name], url: urls[name] })));
  if (result.errors) throw new Error(`The benchmark's subgraphs do not compose:\n${result.errors.map((error) => error.message).join('\n')}`);
  return result.supergraphSdl;
}
