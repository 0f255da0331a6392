import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './subgraph-process.js';

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The gateway as production runs it: `gateway/dist/main.js` in a process of its own, so that a test
 * sees what an orchestrator would: its exit code on SIGTERM, or its death if something crashes it.
 */
export class GatewayProcess {
  private output: string[] = [];
  readonly exited: Promise<number | null>;
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => child.once('close', (code: number | null) => resolve(code)));
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  /** Its Prometheus metrics, e.g. the subgraph fetches by outcome. */
  get metricsUrl(): string {
    return `http://127.0.0.1:${this.port}/metrics`;
  }

  /** Whether its process is running: neither exited nor killed since it started. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** `env`: settings added to (or overriding) the test gateway's own, e.g. `SUBGRAPH_BREAKER_OPEN_MS`. */
  static async start(subgraphs: { members: string; calendar: string; feed: string }, env: Record<string, string> = {}): Promise<GatewayProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(workspaceRoot, 'gateway', 'dist', 'main.js')], {
      cwd: workspaceRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        GATEWAY_PORT: String(port),
        MEMBERS_URL: subgraphs.members,
        CALENDAR_URL: subgraphs.calendar,
        FEED_URL: subgraphs.feed,
        SUBGRAPH_TIMEOUT_MS: '10000',
        MEMBERS_TIMEOUT_MS: '3000',
        DOMAIN_EVENTS_MAX_BACKOFF_MS: '1000',
        ...env,
      },
    });
    const gateway = new GatewayProcess(child, port);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}:\n${gateway.logs}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return gateway;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`the gateway was not ready within 60 s:\n${gateway.logs}`);
  }

  terminate(): void {
    this.child.kill('SIGTERM');
  }

  get logs(): string {
    return this.output.join('');
  }

  async dispose(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }
}
