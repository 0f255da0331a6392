// Child processes of a benchmark: pinned to given cores with `taskset` when it exists (so every gateway
// gets the same core, away from the load generator and the subgraphs), their output in a log file,
// their CPU time and peak memory read from /proc.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** Which cores each role runs on; empty when processes are not pinned. */
export interface CorePlan {
  pinned: boolean;
  gateway: number[];
  /** The load generator and the subgraphs share the other core(s). */
  load: number[];
  /** Why processes are not pinned, for the report. */
  reason?: string;
}

let tasksetAvailable: boolean | undefined;
function hasTaskset(): boolean {
  if (tasksetAvailable === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetAvailable = true;
    } catch {
      tasksetAvailable = false;
    }
  }
  return tasksetAvailable;
}

/** The gateway on core 0, everything else on the remaining cores; no pinning on one core or without taskset. */
export function planCores(cores = availableParallelism()): CorePlan {
  if (cores < 2) return { pinned: false, gateway: [], load: [], reason: 'one core only' };
  if (process.platform !== 'linux' || !hasTaskset()) return { pinned: false, gateway: [], load: [], reason: 'taskset not available' };
  return { pinned: true, gateway: [0], load: Array.from({ length: cores - 1 }, (_, i) => i + 1) };
}

export interface ProcessSample {
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes: number;
}

const CLOCK_TICKS = 100;

/** CPU time and peak RSS of a live process, from /proc (undefined elsewhere or once it has exited). */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): utime is the 14th field, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return { cpuSeconds: ticks / CLOCK_TICKS, peakRssBytes: hwm ? Number(hwm[1]) * 1024 : 0 };
  } catch {
    return undefined;
  }
}

export interface PinnedProcessOptions {
  /** Node script to run, with its arguments. */
  script: string;
  args?: string[];
  /** Flags for node itself (e.g. --cpu-prof). */
  execArgv?: string[];
  cores: number[];
  /** The whole environment of the child (nothing is inherited but what is given). */
  env: Record<string, string>;
  /** Where stdout and stderr go. */
  logFile: string;
  cwd?: string;
  /** An IPC channel (for children that report over process.send). */
  ipc?: boolean;
}

export interface PinnedProcess {
  child: ChildProcess;
  pid: number;
  logFile: string;
  sample(): ProcessSample | undefined;
  /** Last lines of its log, for error messages. */
  tail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function spawnPinned(options: PinnedProcessOptions): PinnedProcess {
  const nodeArgs = [...(options.execArgv ?? []), options.script, ...(options.args ?? [])];
  // taskset execs node: the child's pid is node's.
  const [command, args] =
    options.cores.length > 0 ? ['taskset', ['-c', options.cores.join(','), process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const log = openSync(options.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', log, log, ...(options.ipc ? (['ipc'] as const) : [])],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`cannot start ${options.script}`);
  const pid = child.pid;
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  return {
    child,
    pid,
    logFile: options.logFile,
    exited,
    sample: () => (alive ? sampleProcess(pid) : undefined),
    tail: (lines = 30) => (existsSync(options.logFile) ? readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : ''),
    stop: async (graceMs = 15_000) => {
      if (!alive) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The environment a benchmark child gets: PATH and HOME, nothing else from ours (no REDIS_URL, OTEL_*, …). */
export function baseEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * The built file of a module of this package: children run JavaScript, while Jest runs the sources.
 * `new URL('./x.js', import.meta.url)` from src/ becomes the same path under dist/ (`npm run build` first).
 */
export function builtFile(url: URL): string {
  const path = fileURLToPath(url);
  if (existsSync(path)) return path;
  const built = path.replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, '$1dist$2');
  if (!existsSync(built)) throw new Error(`${built} does not exist: build the workspace first (npm run build)`);
  return built;
}

/** Ports free at this moment on 127.0.0.1, for processes that must be told theirs before they start. */
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

/** Waits until `url` answers 200 (a health route); fails with the end of the process's log when it exits first or the time is up. */
export async function untilReady(name: string, child: PinnedProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} exited at start:\n${child.tail()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${child.tail()}`);
}
