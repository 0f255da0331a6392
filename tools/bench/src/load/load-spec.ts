/** What the load generator process is asked to do (sent over IPC by run-load.ts). */
export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Concurrent connections, each with one request in flight (50 like the public benchmark). */
  connections: number;
  /** Load before the measured runs, not counted (0: none). */
  warmupSeconds: number;
  durationSeconds: number;
  runs: number;
  /** A request not answered in this time counts as a timeout. */
  timeoutSeconds: number;
  /**
   * Module (file URL) and export of a `(body: string) => string | undefined` function that says why an
   * answer is bad; every answer is checked with it. With `args`, the export is a factory called with
   * them that returns that function.
   */
  check?: { module: string; export: string; args?: unknown };
  /**
   * Module (file URL) and export of a function that, given `args`, returns autocannon's `requests`
   * (per-request bodies and headers, sequences with a context); `body` and `headers` are then defaults.
   */
  requests?: { module: string; export: string; args?: unknown };
}

export type LoadPhase = 'warmup' | 'measuring' | 'measured';

/** Messages from the load generator process. */
export type LoadMessage =
  | { type: 'phase'; phase: LoadPhase }
  | { type: 'result'; warmup?: import('./stats.js').RunResult; runs: import('./stats.js').RunResult[]; process: { cpuSeconds: number; peakRssBytes: number } }
  | { type: 'error'; message: string };
