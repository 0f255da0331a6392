import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './subgraph-process.js';

const run = promisify(execFile);

/**
 * A free port below the range the kernel hands out for `listen(0)` and outgoing connections. While the
 * server is stopped its port is free: one from that range could meanwhile go to a subgraph or a
 * gateway another test starts (they take `freePorts`), and the restart would then fail. Falls back to
 * `freePorts` where the range cannot be read.
 */
async function portOutsideEphemeralRange(): Promise<number> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '');
  const low = Number(range.trim().split(/\s+/)[0]);
  const from = 10_000;
  if (!Number.isInteger(low) || low - from < 1_000) return (await freePorts(1))[0]!;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = from + Math.floor(Math.random() * (low - from));
    if (await isFree(port)) return port;
  }
  return (await freePorts(1))[0]!;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Where Debian's PostgreSQL 15 keeps initdb and pg_ctl (they are not on PATH there); else PATH. */
const DEFAULT_BIN_DIR = '/usr/lib/postgresql/15/bin';

/** `fast`: clients disconnected, a clean checkpoint. `immediate`: no checkpoint, crash recovery at the next start. */
export type PostgresStopMode = 'fast' | 'immediate';

/**
 * A PostgreSQL server of a test's own, in a temporary folder, on a free port of 127.0.0.1 (outside the
 * kernel's ephemeral range, so that no other test is handed it while the server is stopped) with trust
 * authentication: a test that stops the database (an outage, a crash) must never stop the server other
 * tests share. `stop` and `start` keep the port and the data, so clients configured with `url` reach
 * the same databases again after a restart.
 *
 * initdb and postgres refuse to run as root (CI runs tests as root): then they run as the `postgres`
 * user, which owns the temporary folder.
 */
export class TemporaryPostgres {
  private running = false;
  private disposed = false;
  readonly url: string;

  private constructor(
    readonly port: number,
    private readonly folder: string,
    private readonly binDir: string | undefined,
    private readonly owner: string | undefined,
  ) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  private get dataDir(): string {
    return path.join(this.folder, 'data');
  }

  private get logFile(): string {
    return path.join(this.folder, 'postgres.log');
  }

  /** Whether the server was started and not stopped since (as far as this object knows). */
  get isRunning(): boolean {
    return this.running;
  }

  /** Creates the cluster (initdb) and starts it. Call `dispose()` afterwards, also when a test fails. */
  static async create(): Promise<TemporaryPostgres> {
    const folder = await mkdtemp(path.join(tmpdir(), 'pdn-e2e-postgres-'));
    const owner = process.getuid?.() === 0 ? 'postgres' : undefined;
    const binDir = process.env['POSTGRES_BIN_DIR'] ?? (existsSync(DEFAULT_BIN_DIR) ? DEFAULT_BIN_DIR : undefined);
    const port = await portOutsideEphemeralRange();
    const server = new TemporaryPostgres(port, folder, binDir, owner);
    try {
      if (owner) {
        const { uid, gid } = await server.idsOf(owner);
        await chown(folder, uid, gid);
      }
      await server.pg('initdb', ['-D', server.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
      // In the configuration file rather than on the command line, so that every start has the same
      // port and settings. fsync off keeps them fast and loses nothing unless the machine itself
      // crashes; synchronous_commit stays on, so that a commit acknowledged before an immediate stop
      // is in the WAL the restart replays (what outage tests check).
      await appendFile(
        path.join(server.dataDir, 'postgresql.conf'),
        [
          '',
          '# tools/e2e TemporaryPostgres',
          `port = ${port}`,
          "listen_addresses = '127.0.0.1'",
          `unix_socket_directories = '${server.folder}'`,
          'fsync = off',
          'full_page_writes = off',
          'max_connections = 100',
          '',
        ].join('\n'),
      );
      await server.start();
      return server;
    } catch (error) {
      await server.dispose();
      throw error;
    }
  }

  /** Starts the server (again) on the same port and data; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.disposed) throw new Error('This temporary PostgreSQL was disposed.');
    await this.pg('pg_ctl', ['start', '-w', '-t', '60', '-D', this.dataDir, '-l', this.logFile]);
    this.running = true;
  }

  /**
   * Stops the server; resolves once it has exited. `fast` disconnects clients and checkpoints (an
   * orderly shutdown); `immediate` stops every process at once, like a crash.
   */
  async stop(mode: PostgresStopMode): Promise<void> {
    if (!this.running) return;
    await this.pg('pg_ctl', ['stop', '-w', '-t', '60', '-D', this.dataDir, '-m', mode]);
    this.running = false;
  }

  /** Stops (`fast` unless told otherwise) and starts again on the same port and data. */
  async restart(mode: PostgresStopMode = 'fast'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** The server's log, for failure messages. */
  async logs(): Promise<string> {
    return readFile(this.logFile, 'utf8').catch(() => '');
  }

  /** Stops the server if it runs and removes its folder; safe to call more than once. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    // Whatever this object believes, a postmaster.pid means a server may still run on the folder.
    if (this.running || existsSync(path.join(this.dataDir, 'postmaster.pid'))) {
      await this.pg('pg_ctl', ['stop', '-w', '-t', '60', '-D', this.dataDir, '-m', 'immediate']).catch(() => {});
    }
    this.running = false;
    await rm(this.folder, { recursive: true, force: true });
  }

  /** Runs one of PostgreSQL's programs, as the `postgres` user when this process is root. */
  private async pg(program: string, args: string[]): Promise<void> {
    const executable = this.binDir ? path.join(this.binDir, program) : program;
    const [file, argv] = this.owner
      ? ['runuser', ['-u', this.owner, '--', executable, ...args]]
      : [executable, args];
    try {
      // cwd: the folder, which the postgres user can read (the test's working directory may be root's).
      await run(file, argv, { cwd: this.folder, timeout: 90_000 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(
        `${program} ${args.join(' ')} failed: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}\n${await this.logs()}`,
      );
    }
  }

  private async idsOf(user: string): Promise<{ uid: number; gid: number }> {
    if (userInfo().username === user) return { uid: userInfo().uid, gid: userInfo().gid };
    const { stdout: uid } = await run('id', ['-u', user]);
    const { stdout: gid } = await run('id', ['-g', user]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  }
}
