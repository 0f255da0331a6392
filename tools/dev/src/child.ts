import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { RingBuffer, formatLogLine, shouldShow, type FormatOptions, type LevelName } from './log-lines.js';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Lowest level shown on the console (everything is kept for the post-mortem). */
  display: LevelName;
  format: FormatOptions;
  write: (line: string) => void;
  /** How many of the last lines to keep for when the process dies. */
  keep?: number;
}

/** A child Node process whose output is shown prefixed and filtered, and kept for a post-mortem. */
export class ManagedChild {
  readonly name: string;
  readonly exited: Promise<ExitInfo>;
  private readonly process: ChildProcess;
  private readonly recent: RingBuffer;
  private exit: ExitInfo | undefined;

  constructor(private readonly options: ChildOptions) {
    this.name = options.name;
    this.recent = new RingBuffer(options.keep ?? 40);
    this.process = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own: Ctrl-C in the terminal reaches the runner only, which then stops
      // each child once, in order. Otherwise every child would get the terminal's SIGINT and then the
      // runner's SIGTERM, and a second signal means "exit now" to the gateway.
      detached: true,
    });
    this.exited = new Promise((resolve) => {
      this.process.once('error', (error) => {
        this.recent.push(`failed to start: ${error.message}`);
        this.exit = { code: -1, signal: null };
        resolve(this.exit);
      });
      // 'close' rather than 'exit': the output has been read to its end by then.
      this.process.once('close', (code, signal) => {
        this.exit ??= { code, signal };
        resolve(this.exit);
      });
    });
    for (const stream of [this.process.stdout!, this.process.stderr!]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    }
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  private onLine(line: string): void {
    this.recent.push(line);
    if (shouldShow(line, this.options.display)) this.options.write(formatLogLine(this.name, line, this.options.format));
  }

  /** The last lines it wrote, every level, errors with their stack. */
  lastLines(): string[] {
    return this.recent.toArray().map((line) => formatLogLine(this.name, line, { ...this.options.format, withStack: true }));
  }

  /** SIGTERM (the services drain and close their database), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<ExitInfo> {
    if (!this.running) return this.exited;
    this.process.kill('SIGTERM');
    const outcome = await Promise.race([this.exited, sleep(graceMs).then(() => 'timeout' as const)]);
    if (outcome !== 'timeout') return outcome;
    this.options.write(formatLogLine(this.name, `did not stop within ${graceMs / 1000} s: killed`, this.options.format));
    this.process.kill('SIGKILL');
    return this.exited;
  }

  /** Immediate SIGKILL (a second Ctrl-C). */
  kill(): void {
    if (this.running) this.process.kill('SIGKILL');
  }
}

export function describeExit(exit: ExitInfo): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}
