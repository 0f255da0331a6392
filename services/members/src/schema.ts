import { createLogger } from '@pdn/logging';
import { printSubgraphSdl as printSdl, schemaOnlyDatabase } from '@pdn/subgraph';
import { createMembersModule } from './members-app.js';
import { loadMembersSettings } from './members.config.js';

/** The members subgraph's SDL, built from code for composition: no database, no server. */
export function printSubgraphSdl(): Promise<string> {
  return printSdl(
    createMembersModule({ database: schemaOnlyDatabase(), settings: loadMembersSettings({}), logger: createLogger('members', 'silent') }),
  );
}
