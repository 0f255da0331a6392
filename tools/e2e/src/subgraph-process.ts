import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServerDatabase, dropServerDatabase } from '@pdn/database';

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** A port nobody listens on right now (the subgraph binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `count` different ports nobody listens on right now (all held open together, so no two are the same). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * One subgraph as production runs it: its built `dist/main.js` in a process of its own, on a free port,
 * on a fresh database (a throw-away database on the TEST_DATABASE_URL server, else PGlite in a temp
 * folder). NestJS code-first keeps its type registry per process, so two subgraphs cannot share one.
 */
export class SubgraphProcess {
  private child: ChildProcess | undefined;
  private output: string[] = [];
  private databaseUrl: string | undefined;
  private dataDir: string | undefined;
  readonly url: string;

  /** Whether its process is running: started, and neither exited nor killed since. */
  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}/graphql`;
  }

  /**
   * `port`: one chosen beforehand (from `freePorts`), when another process must know the URL first.
   * `databaseServerUrl`: the PostgreSQL server to create its database on (TEST_DATABASE_URL by default),
   * e.g. a server of the test's own that it stops and starts.
   */
  static async start(
    name: string,
    env: Record<string, string> = {},
    port?: number,
    options: { databaseServerUrl?: string } = {},
  ): Promise<SubgraphProcess> {
    const subgraph = new SubgraphProcess(name, port ?? (await freePort()), env);
    const serverUrl = options.databaseServerUrl ?? process.env['TEST_DATABASE_URL'];
    subgraph.databaseServerUrl = serverUrl;
    if (serverUrl) subgraph.databaseUrl = await createServerDatabase(serverUrl, name);
    else subgraph.dataDir = await mkdtemp(path.join(tmpdir(), `pdn-e2e-${name}-`));
    await subgraph.run();
    return subgraph;
  }

  /**
   * Another replica of a running subgraph: its own process and port, the same database. Needs
   * TEST_DATABASE_URL (one PGlite folder cannot be shared by two processes). `port`: one chosen
   * beforehand, when another process (a balancer) must know it first.
   */
  static async replicaOf(primary: SubgraphProcess, env: Record<string, string> = {}, port?: number): Promise<SubgraphProcess> {
    if (!primary.databaseUrl) throw new Error('Replicas share a PostgreSQL database: set TEST_DATABASE_URL.');
    const replica = new SubgraphProcess(primary.name, port ?? (await freePort()), { ...primary.env, ...env });
    replica.databaseUrl = primary.databaseUrl;
    replica.databaseServerUrl = primary.databaseServerUrl;
    replica.sharesDatabase = true;
    await replica.run();
    return replica;
  }

  /**
   * Replicas started together on one new database (TEST_DATABASE_URL server): the first creates it
   * and drops it on `dispose()`, the others share it. They migrate under an advisory lock, so none has
   * to wait for another to be ready. `envs[i]` is added to `env` for replica i.
   */
  static async startReplicas(
    name: string,
    env: Record<string, string>,
    ports: readonly number[],
    options: { databaseServerUrl?: string; envs?: readonly Record<string, string>[] } = {},
  ): Promise<SubgraphProcess[]> {
    const serverUrl = options.databaseServerUrl ?? process.env['TEST_DATABASE_URL'];
    if (!serverUrl) throw new Error('Replicas share a PostgreSQL database: set TEST_DATABASE_URL.');
    const databaseUrl = await createServerDatabase(serverUrl, name);
    const replicas = ports.map((port, i) => {
      const replica = new SubgraphProcess(name, port, { ...env, ...options.envs?.[i] });
      replica.databaseUrl = databaseUrl;
      replica.databaseServerUrl = serverUrl;
      replica.sharesDatabase = i > 0;
      return replica;
    });
    const runs = await Promise.allSettled(replicas.map((replica) => replica.run()));
    const failed = runs.find((run) => run.status === 'rejected');
    if (failed) {
      await Promise.all(replicas.slice(1).map((replica) => replica.dispose()));
      await replicas[0]!.dispose();
      throw failed.reason;
    }
    return replicas;
  }

  /** A replica leaves the database to the process that created it. */
  private sharesDatabase = false;
  /** The PostgreSQL server its database was created on, to drop it there. */
  private databaseServerUrl: string | undefined;

  /** Starts (again) on the same port and database. */
  async run(): Promise<void> {
    const prefix = this.name.toUpperCase();
    const child = spawn(process.execPath, [path.join(workspaceRoot, 'services', this.name, 'dist', 'main.js')], {
      cwd: workspaceRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        [`${prefix}_PORT`]: String(this.port),
        ...(this.databaseUrl ? { [`${prefix}_DATABASE_URL`]: this.databaseUrl } : { PGDATA_DIR: this.dataDir! }),
        ...this.env,
      },
    });
    this.child = child;
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}:\n${this.output.join('')}`);
      try {
        if ((await fetch(`http://127.0.0.1:${this.port}/readyz`)).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${this.name} was not ready within 60 s:\n${this.output.join('')}`);
  }

  /**
   * SIGTERM, as an orchestrator stops a replica; resolves once it has exited, with its exit code (null
   * when it had to be killed, or was not running).
   */
  async stop(): Promise<number | null> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return null;
    const exited = new Promise<number | null>((resolve) => child.once('close', (code: number | null) => resolve(code)));
    child.kill('SIGTERM');
    // Unreferenced: a process that exits in time must not leave this timer keeping Jest alive.
    const killed = sleep(10_000, undefined, { ref: false }).then(() => {
      child.kill('SIGKILL');
      return exited;
    });
    return Promise.race([exited, killed]);
  }

  /**
   * SIGKILL, as a crash or the OOM killer ends it: no draining, connections cut mid-request. Resolves
   * once it has exited; `run()` starts it again on the same port and database.
   */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops it and starts it again on the same port and database, with these settings added. */
  async restart(env: Record<string, string> = {}): Promise<void> {
    await this.stop();
    Object.assign(this.env, env);
    await this.run();
  }

  /**
   * Where its database lives, to look inside: a server database any time, a PGlite folder only while
   * the process is stopped (PGlite is one process's database).
   */
  get database(): { url: string } | { dataDir: string } {
    return this.databaseUrl ? { url: this.databaseUrl } : { dataDir: path.join(this.dataDir!, this.name) };
  }

  /** Everything it has printed, over all its runs. */
  get logs(): string {
    return this.output.join('');
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.sharesDatabase) return;
    if (this.databaseServerUrl && this.databaseUrl) await dropServerDatabase(this.databaseServerUrl, this.databaseUrl);
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
