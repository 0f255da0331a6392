// Gateway (a), the baseline: @apollo/gateway behind @apollo/server's standalone server, with their
// defaults. Reads SUPERGRAPH_PATH and PORT; stopped by SIGTERM.
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { requiredEnv } from './gateway-process-env.js';

const supergraphSdl = readFileSync(requiredEnv('SUPERGRAPH_PATH'), 'utf8');
// Only the shutdown is ours (an exit, so that node --cpu-prof writes its profile); the request path is Apollo's default.
const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }), stopOnTerminationSignals: false });
const { url } = await startStandaloneServer(server, { listen: { port: Number(requiredEnv('PORT')), host: '127.0.0.1' } });
console.log(`apollo-gateway ready at ${url}`);
process.on('SIGTERM', () => void server.stop().finally(() => process.exit(0)));
