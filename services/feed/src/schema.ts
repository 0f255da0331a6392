import { createLogger } from '@pdn/logging';
import { printSubgraphSdl as printSdl, schemaOnlyDatabase } from '@pdn/subgraph';
import { createFeedModule } from './feed-app.js';
import { loadFeedSettings } from './feed.config.js';

/** The feed subgraph's SDL, built from code for composition: no database, no server. */
export function printSubgraphSdl(): Promise<string> {
  return printSdl(
    createFeedModule({ database: schemaOnlyDatabase(), settings: loadFeedSettings({}), logger: createLogger('feed', 'silent') }),
  );
}
