import { createLogger } from '@pdn/logging';
import { printSubgraphSdl as printSdl } from '@pdn/subgraph';
import { createMembersModule } from './members-app.js';
import { loadMembersSettings } from './members.config.js';
import type { MembersDatabase } from './common/tokens.js';

/**
 * The members subgraph's SDL, built from code for composition: the module is initialised without a
 * database (no resolver runs), so this needs no server of any kind.
 */
export function printSubgraphSdl(): Promise<string> {
  const refuse = () => {
    throw new Error('printing the schema must not touch the database');
  };
  const noDatabase = {
    db: new Proxy({}, { get: refuse }),
    kind: 'pglite',
    ping: refuse,
    close: async () => {},
  } as unknown as MembersDatabase;
  return printSdl(
    createMembersModule({ database: noDatabase, settings: loadMembersSettings({}), logger: createLogger('members', 'silent') }),
  );
}
