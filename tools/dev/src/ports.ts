import { createServer } from 'node:net';
import type { ProcessSpec } from './processes.js';

/** Resolves with undefined when `host:port` can be listened on, else with the error (EADDRINUSE…). */
export function probePort(port: number, host: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** One message per port that is taken (or cannot be bound), naming the variable that moves it. */
export async function unavailablePorts(specs: ProcessSpec[]): Promise<string[]> {
  const problems: string[] = [];
  for (const spec of specs) {
    const error = await probePort(spec.port, spec.host);
    if (!error) continue;
    problems.push(
      error.code === 'EADDRINUSE'
        ? `port ${spec.port} (${spec.name}) is already in use on ${spec.host}: stop what uses it (\`ss -ltnp 'sport = :${spec.port}'\` shows it, perhaps an earlier npm start) or set ${spec.portVariable}`
        : `cannot listen on ${spec.host}:${spec.port} for ${spec.name} (${error.code ?? error.message}): set ${spec.portVariable} or fix the host`,
    );
  }
  return problems;
}
