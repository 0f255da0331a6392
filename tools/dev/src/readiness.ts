import { setTimeout as sleep } from 'node:timers/promises';

export type Readiness = 'ready' | 'exited' | 'timeout';

/** Whether GET `url` answers 2xx within `timeoutMs`. */
export async function answersOk(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Polls `url` (a /readyz) until it answers 2xx, the process stops running, or `timeoutMs` passes.
 * The first start of a PGlite-backed service runs its migrations before it listens: allow for it.
 */
export async function waitUntilReady(url: string, isRunning: () => boolean, timeoutMs: number): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  while (Date.now() < deadline) {
    if (!isRunning()) return 'exited';
    if (await answersOk(url)) return 'ready';
    await sleep(delay);
    delay = Math.min(delay * 2, 500);
  }
  return isRunning() ? 'timeout' : 'exited';
}
