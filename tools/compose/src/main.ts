// npm run compose           composes the subgraphs into gateway/supergraph.graphql, and lists their
//                            per-viewer fields in gateway/per-viewer-fields.json
// npm run compose -- --check fails when a committed file differs from a fresh composition
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  PER_VIEWER_FIELDS_PATH,
  SUPERGRAPH_PATH,
  composeWorkspace,
  describeDifference,
  discoverServices,
  readCommitted,
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

  const { supergraphSdl, perViewerFieldsJson, hints } = await composeWorkspace();
  const outputs = [
    { path: SUPERGRAPH_PATH, text: supergraphSdl },
    { path: PER_VIEWER_FIELDS_PATH, text: perViewerFieldsJson },
  ];
  if (hints.length > 0 && !check) {
    console.error(`compose: ${hints.length} composition hint(s):\n  ${hints.join('\n  ')}`);
  }

  if (check) {
    let stale = 0;
    for (const { path, text } of outputs) {
      const difference = describeDifference(readCommitted(path), text, path);
      if (difference === '') {
        console.log(`compose: ${path} is up to date`);
        continue;
      }
      stale++;
      const fresh = join(mkdtempSync(join(tmpdir(), 'pdn-compose-')), basename(path));
      writeFileSync(fresh, text);
      console.error(
        `compose --check: ${path} is stale.\n${difference}\n` +
          `  whole difference: diff -u ${path} ${fresh}\n` +
          `  fix: npm run compose, then commit ${path}`,
      );
    }
    return stale === 0 ? 0 : 1;
  }

  for (const { path, text } of outputs) {
    const target = join(workspaceRoot, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    console.log(`compose: wrote ${path}`);
  }
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
