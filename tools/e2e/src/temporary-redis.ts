import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts } from './subgraph-process.js';

const REDIS_SERVER = process.env['REDIS_SERVER_BIN'] ?? '/usr/bin/redis-server';

/** Whether a Redis answers PING on this port (a refused or silent connection is a no). */
function answersPing(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/**
 * A Redis server of the test's own, to take down and bring back without touching the shared one:
 * `/usr/bin/redis-server` on a free port, nothing persisted (`--save "" --appendonly no`), so a
 * restart comes back empty, as after a crash of a cache. `stop()` kills it (SIGKILL: an outage, not a
 * shutdown its clients are told about); `restart()` brings it back on the same port, i.e. the same URL.
 */
export class TemporaryRedis {
  private child: ChildProcess | undefined;
  private output: string[] = [];

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** Starts a fresh server and resolves once it answers PING. */
  static async start(): Promise<TemporaryRedis> {
    const [port] = (await freePorts(1)) as [number];
    const redis = new TemporaryRedis(port, await mkdtemp(path.join(tmpdir(), 'pdn-e2e-redis-')));
    await redis.run();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Whether its process is running. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the server printed, over all its runs. */
  get logs(): string {
    return this.output.join('');
  }

  private async run(): Promise<void> {
    const child = spawn(
      REDIS_SERVER,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--logfile', ''],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${this.logs}`);
      if (await answersPing(this.port)) return;
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server did not answer PING on ${this.port} within 20 s:\n${this.logs}`);
  }

  /** Kills the server (SIGKILL, as a crash) and resolves once the process is gone and the port closed. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Brings it back, empty, on the same port (clients reconnect to the same URL). */
  async restart(): Promise<void> {
    await this.stop();
    await this.run();
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
