import { createLogger } from '@pdn/logging';
import { printSubgraphSdl as printSdl, schemaOnlyDatabase } from '@pdn/subgraph';
import { createCalendarModule } from './calendar-app.js';
import { loadCalendarSettings } from './calendar.config.js';

/** The calendar subgraph's SDL, built from code for composition: no database, no server. */
export function printSubgraphSdl(): Promise<string> {
  return printSdl(
    createCalendarModule({ database: schemaOnlyDatabase(), settings: loadCalendarSettings({}), logger: createLogger('calendar', 'silent') }),
  );
}
