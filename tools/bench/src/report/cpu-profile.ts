// Where a profiled gateway spends its time: the self time of a V8 `.cpuprofile` (node --cpu-prof)
// grouped by function and by package, for the report. Only the samples of the measured runs count
// when their window is known: V8's sample times and process.hrtime() read the same monotonic clock.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  /** Microseconds of the monotonic clock. */
  startTime?: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  selfMs: number;
  /** Of the profile's total, 0–1. */
  share: number;
}

/** Monotonic microseconds (process.hrtime.bigint() / 1000). */
export interface ProfileWindow {
  startMicros: number;
  endMicros: number;
}

export interface CpuProfileSummary {
  /** Whether only the samples inside the measured window were counted (false: the whole process). */
  windowed: boolean;
  totalMs: number;
  /** Idle time (the event loop waiting), included in totalMs. */
  idleMs: number;
  byPackage: SelfTime[];
  byFunction: SelfTime[];
  /**
   * Functions of this repository (gateway/, libs/, …) by total time: their own and that of everything
   * they call (a function counted once per sample, however deep its recursion).
   */
  workspaceInclusive: SelfTime[];
}

/**
 * What a script URL belongs to: `pkg` or `@scope/pkg` under node_modules (the last one, for nested
 * copies), a part of node (`node:undici`, `node:streams`), a workspace folder (`gateway`, `libs/logging`), or V8's own entries.
 */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  if (url.startsWith('node:')) {
    // node:internal/deps/undici/undici → node:undici (fetch); node:internal/streams/… → node:streams; node:_http_server.
    const segments = url.slice('node:'.length).replace(/^internal\//, '').split('/');
    return `node:${segments[0] === 'deps' ? segments[1] : segments[0]}`;
  }
  const workspace = /\/(gateway|libs\/[^/]+|services\/[^/]+|tools\/[^/]+)\/(?:dist|src)\//.exec(url);
  return workspace ? (workspace[1] as string) : url;
}

function top(map: Map<string, number>, totalMs: number, count: number): SelfTime[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, selfMs]) => ({ name, selfMs, share: totalMs > 0 ? selfMs / totalMs : 0 }));
}

/** The samples to count: those inside the window, or all when the window holds none (clocks that differ). */
function samplesIn(profile: CpuProfile, window: ProfileWindow | undefined): { indexes: number[]; windowed: boolean } {
  const all = profile.samples.map((_, i) => i);
  if (!window || profile.startTime === undefined) return { indexes: all, windowed: false };
  const inside: number[] = [];
  let at = profile.startTime;
  profile.samples.forEach((_, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= window.startMicros && at <= window.endMicros) inside.push(i);
  });
  return inside.length > 0 ? { indexes: inside, windowed: true } : { indexes: all, windowed: false };
}

const WORKSPACE_CODE = /\/(gateway|libs|services|tools)\/[^/]*\/?(dist|src)\//;

function functionName(node: ProfileNode): string {
  const { functionName: name, url, lineNumber } = node.callFrame;
  const file = url ? url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/((gateway|libs|services|tools)\/)/, '$1') : '';
  return `${name || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

export function summarizeCpuProfile(profile: CpuProfile, count = 15, window?: ProfileWindow): CpuProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const workspaceInclusive = new Map<string, number>();
  const { indexes, windowed } = samplesIn(profile, window);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const i of indexes) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = nodes.get(profile.samples[i] as number);
    if (!node) continue;
    totalMs += ms;
    const { functionName: frameName, url } = node.callFrame;
    if (frameName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const pkg = packageOf(url, frameName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const name = functionName(node);
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: ProfileNode | undefined = node; at; at = nodes.get(parents.get(at.id) ?? -1)) {
      if (!WORKSPACE_CODE.test(at.callFrame.url) || at.callFrame.url.includes('/node_modules/')) continue;
      const caller = functionName(at);
      if (seen.has(caller)) continue;
      seen.add(caller);
      workspaceInclusive.set(caller, (workspaceInclusive.get(caller) ?? 0) + ms);
    }
  }
  return {
    windowed,
    totalMs,
    idleMs,
    byPackage: top(byPackage, totalMs, count),
    byFunction: top(byFunction, totalMs, count),
    workspaceInclusive: top(workspaceInclusive, totalMs, count),
  };
}

export function readCpuProfile(path: string, window?: ProfileWindow, count = 15): CpuProfileSummary {
  return summarizeCpuProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, count, window);
}
