// Gateways (c) and (d): Hive Gateway's runtime on a node:http server, with its defaults; with
// `--router-runtime`, the query planner and executor of @graphql-hive/router-runtime (Rust planner).
// Reads SUPERGRAPH_PATH and PORT; stopped by SIGTERM.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { requiredEnv } from './gateway-process-env.js';

/** The part of Hive Gateway's API used here. */
interface HiveGatewayModule {
  createGatewayRuntime(config: { supergraph: string; unifiedGraphHandler?: unknown }): HiveRuntime;
}
interface HiveRuntime {
  (req: IncomingMessage, res: ServerResponse): unknown;
  dispose(): unknown;
}

// Imported by name, untyped: Hive's typings augment graphql's GraphQLErrorExtensions and the fetch
// types for the whole program, which `npm run typecheck` (one program over the workspace) must not see.
const importUntyped = (specifier: string) => import(specifier) as Promise<unknown>;
const { createGatewayRuntime } = (await importUntyped('@graphql-hive/gateway')) as HiveGatewayModule;

const routerRuntime = process.argv.includes('--router-runtime');
const runtime = createGatewayRuntime({
  supergraph: requiredEnv('SUPERGRAPH_PATH'),
  ...(routerRuntime ? { unifiedGraphHandler: ((await importUntyped('@graphql-hive/router-runtime')) as { unifiedGraphHandler: unknown }).unifiedGraphHandler } : {}),
});
// The runtime is a node request listener that returns a promise: node:http ignores it either way.
const server = createServer((req, res) => void runtime(req, res));
server.listen(Number(requiredEnv('PORT')), '127.0.0.1', () => {
  console.log(`hive-gateway${routerRuntime ? ' (router runtime)' : ''} listening on port ${requiredEnv('PORT')}`);
});
process.on('SIGTERM', () => {
  server.close();
  void Promise.resolve(runtime.dispose()).finally(() => process.exit(0));
});
