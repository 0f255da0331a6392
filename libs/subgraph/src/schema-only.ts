import type { Database } from '@pdn/database';

/**
 * A stand-in database for printing a subgraph's schema from code: the module initialises, and any
 * attempt to query fails loudly, since composition must need no server of any kind.
 */
export function schemaOnlyDatabase<TSchema extends Record<string, unknown>>(): Database<TSchema> {
  const refuse = () => {
    throw new Error('printing the schema must not touch the database');
  };
  return {
    db: new Proxy({}, { get: refuse }),
    kind: 'pglite',
    ping: refuse,
    close: async () => {},
  } as unknown as Database<TSchema>;
}
