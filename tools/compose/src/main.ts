// npm run compose           composes the subgraphs into gateway/supergraph.graphql
// npm run compose -- --check fails when the committed file differs from a fresh composition
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  SUPERGRAPH_PATH,
  composeWorkspace,
  describeDifference,
  discoverServices,
  readCommittedSupergraph,
  readSubgraphConfig,
  workspaceRoot,
} from './compose.js';

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const services = discoverServices();
  const missing = readSubgraphConfig().filter((entry) => !services.has(entry.name));
  if (missing.length > 0) {
    console.error(`compose: no services/${missing.map((entry) => entry.name).join(', services/')} yet: left out`);
  }

  const { supergraphSdl, hints } = await composeWorkspace();
  if (hints.length > 0 && !check) {
    console.error(`compose: ${hints.length} composition hint(s):\n  ${hints.join('\n  ')}`);
  }

  if (check) {
    const difference = describeDifference(readCommittedSupergraph(), supergraphSdl, SUPERGRAPH_PATH);
    if (difference === '') {
      console.log(`compose: ${SUPERGRAPH_PATH} is up to date`);
      return 0;
    }
    const fresh = join(mkdtempSync(join(tmpdir(), 'pdn-compose-')), 'supergraph.graphql');
    writeFileSync(fresh, supergraphSdl);
    console.error(
      `compose --check: ${SUPERGRAPH_PATH} is stale.\n${difference}\n` +
        `  whole difference: diff -u ${SUPERGRAPH_PATH} ${fresh}\n` +
        `  fix: npm run compose, then commit ${SUPERGRAPH_PATH}`,
    );
    return 1;
  }

  const target = join(workspaceRoot, SUPERGRAPH_PATH);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, supergraphSdl);
  console.log(`compose: wrote ${SUPERGRAPH_PATH}`);
  return 0;
}

// Exit explicitly: a service's schema module may leave handles (Nest, timers) that would keep Node alive.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`compose: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
