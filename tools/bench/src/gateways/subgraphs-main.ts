// Child process of the comparison: the four subgraphs and members' stand-in, reported to the parent
// over IPC once they listen; stopped by SIGTERM (or when the parent goes away).
import { startBenchSubgraphs } from './subgraph-server.js';

const subgraphs = await startBenchSubgraphs();
process.send?.({ type: 'ready', urls: subgraphs.urls, membersUrl: subgraphs.membersUrl, statsUrl: subgraphs.statsUrl });

const stop = () => void subgraphs.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
