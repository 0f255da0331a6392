import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { composeTestSupergraph, startTestSubgraphs, testGatewayEnv, type TestSubgraph } from '../test/test-subgraphs.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

let members: TestSubgraph;
let calendar: TestSubgraph;
let workDir: string;
let supergraphPath: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** gateway/src/main.ts in a process of its own (through tsx, as in development), its JSON log lines collected. */
class GatewayMain {
  readonly lines: Record<string, unknown>[] = [];
  readonly exited: Promise<number | null>;
  private pending = '';

  constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => child.once('close', (code: number | null) => resolve(code)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = this.pending + chunk.toString();
      const parts = text.split('\n');
      this.pending = parts.pop() ?? '';
      for (const part of parts.filter(Boolean)) {
        try {
          this.lines.push(JSON.parse(part) as Record<string, unknown>);
        } catch {
          this.lines.push({ msg: part });
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => this.lines.push({ stderr: chunk.toString() }));
  }

  static async start(env: Record<string, string>): Promise<GatewayMain> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--conditions=@pdn/source', '--import', 'tsx', MAIN], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        ...testGatewayEnv(SIGNING_KEY, members, calendar),
        LOG_LEVEL: 'info',
        GATEWAY_PORT: String(port),
        SUPERGRAPH_PATH: supergraphPath,
        ...env,
      },
    });
    return new GatewayMain(child, port);
  }

  async waitFor(predicate: (line: Record<string, unknown>) => boolean, what: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(predicate);
      if (found) return found;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no "${what}" in the gateway's logs:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}`);
      }
      await sleep(100);
    }
  }

  /** The pids that logged the operations whose request ids are given. */
  pidsOf(requestIds: string[]): Set<unknown> {
    return new Set(this.lines.filter((l) => l.msg === 'graphql operation' && requestIds.includes(l.requestId as string)).map((l) => l.pid));
  }
}

/** One query on a connection of its own, so that the cluster may give it to any worker. */
function query(port: number, requestId: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: '{ member(id: "m-1") { displayName upcomingEvents { title } } }' });
    const req = request(
      { host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'x-request-id': requestId } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

async function queries(port: number, prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  for (const id of ids) {
    expect(await query(port, id)).toEqual({
      status: 200,
      body: { data: { member: { displayName: 'Member m-1', upcomingEvents: [{ title: 'Regroupement départemental' }] } } },
    });
  }
  return ids;
}

beforeAll(async () => {
  ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
  workDir = mkdtempSync(join(tmpdir(), 'pdn-gateway-cluster-'));
  supergraphPath = join(workDir, 'supergraph.graphql');
  writeFileSync(supergraphPath, composeTestSupergraph([members, calendar]));
});

afterAll(async () => {
  await Promise.all([members?.dispose(), calendar?.dispose()]);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('GATEWAY_WORKERS', () => {
  it('should serve one port from two workers, replace a worker that crashes, and drain both on SIGTERM', async () => {
    const gateway = await GatewayMain.start({ GATEWAY_WORKERS: '2' });
    try {
      await gateway.waitFor((l) => l.msg === 'every gateway worker is listening', 'every gateway worker is listening');
      const primaryPid = gateway.child.pid;

      const first = await queries(gateway.port, 'first', 8);
      await gateway.waitFor(() => gateway.pidsOf(first).size === 2, 'two workers logging');
      const workers = gateway.pidsOf(first);
      expect(workers.has(primaryPid)).toBe(false);

      // A worker dies: the primary starts another, and the port is served by two workers again.
      const [victim] = [...workers] as number[];
      process.kill(victim!, 'SIGKILL');
      await gateway.waitFor((l) => l.msg === 'gateway worker exited: starting another' && l.signal === 'SIGKILL', 'worker replaced');
      await gateway.waitFor(
        (l) => l.msg === 'Gateway ready at ' + `http://127.0.0.1:${gateway.port}/graphql` && l.pid !== victim && !workers.has(l.pid),
        'the new worker ready',
      );
      const ids = await queries(gateway.port, 'second', 8);
      await gateway.waitFor(() => gateway.pidsOf(ids).size === 2, 'two workers logging after the restart');
      expect(gateway.pidsOf(ids).has(victim)).toBe(false);

      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
      expect(gateway.lines.filter((l) => l.msg === 'gateway stopped')).toHaveLength(2);
      expect(gateway.lines.some((l) => l.msg === 'every gateway worker stopped')).toBe(true);
    } finally {
      if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    }
  });

  it('should refuse a number of workers that is not one', async () => {
    const gateway = await GatewayMain.start({ GATEWAY_WORKERS: 'many' });
    expect(await gateway.exited).not.toBe(0);
    expect(JSON.stringify(gateway.lines)).toContain('GATEWAY_WORKERS');
  });
});
