// Runs the load generator in its own process (load-runner.ts) on the given cores, and tells the caller
// when the measured runs start and end, so that it can read the CPU time of the processes under load.
import type { LoadMessage, LoadPhase, LoadSpec } from './load-spec.js';
import { baseEnv, builtFile, spawnPinned } from './pinned-process.js';
import { type RunResult, type RunsSummary, totalBad } from './stats.js';

export interface LoadOutcome {
  warmup?: RunResult;
  runs: RunResult[];
  /** The load generator's CPU seconds during the measured runs, and its peak RSS. */
  process: { cpuSeconds: number; peakRssBytes: number };
}

/**
 * Why a scenario's load went wrong, or undefined when every answer was right: a bad answer in the
 * warm-up or the measured runs (with the first one as an example), or no answer at all.
 */
export function loadFailure(load: LoadOutcome, summary: RunsSummary): string | undefined {
  const warmupBad = load.warmup ? totalBad(load.warmup.bad) : 0;
  if (summary.badTotal > 0 || warmupBad > 0) {
    const example = [...load.runs, ...(load.warmup ? [load.warmup] : [])].find((run) => run.firstBadAnswer)?.firstBadAnswer;
    return `${summary.badTotal} bad answers in the measured runs, ${warmupBad} in the warm-up${example ? ` (e.g. ${example})` : ''}`;
  }
  return summary.responses === 0 ? 'no answer under load' : undefined;
}

export interface RunLoadOptions {
  cores: number[];
  logFile: string;
  onPhase?: (phase: LoadPhase) => void;
}

export async function runLoad(spec: LoadSpec, options: RunLoadOptions): Promise<LoadOutcome> {
  const runner = spawnPinned({ script: builtFile(new URL('./load-runner.js', import.meta.url)), cores: options.cores, env: baseEnv({ NODE_ENV: 'production' }), logFile: options.logFile, ipc: true });
  try {
    return await new Promise<LoadOutcome>((resolve, reject) => {
      let outcome: LoadOutcome | undefined;
      runner.child.on('message', (message: LoadMessage) => {
        if (message.type === 'phase') options.onPhase?.(message.phase);
        else if (message.type === 'result') outcome = { ...(message.warmup ? { warmup: message.warmup } : {}), runs: message.runs, process: message.process };
        else reject(new Error(`the load generator failed: ${message.message}`));
      });
      void runner.exited.then((code) => {
        if (outcome) resolve(outcome);
        else reject(new Error(`the load generator exited (${code}) without a result:\n${runner.tail()}`));
      });
      runner.child.send(spec);
    });
  } finally {
    await runner.stop(2000);
  }
}
