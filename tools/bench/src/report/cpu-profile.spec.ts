import { describe, expect, it } from '@jest/globals';
import { packageOf, summarizeCpuProfile } from './cpu-profile.js';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber, scriptId: '0', columnNumber: 0 });

describe('CPU profile summary', () => {
  it('should name the package, node part or workspace folder of a script', () => {
    expect(packageOf('file:///repo/node_modules/@apollo/gateway/dist/executeQueryPlan.js', 'f')).toBe('@apollo/gateway');
    expect(packageOf('file:///repo/node_modules/a/node_modules/pino/lib/proto.js', 'f')).toBe('pino');
    expect(packageOf('node:internal/deps/undici/undici', 'fetch')).toBe('node:undici');
    expect(packageOf('node:internal/streams/readable', 'push')).toBe('node:streams');
    expect(packageOf('node:_http_server', 'f')).toBe('node:_http_server');
    expect(packageOf('file:///repo/gateway/dist/operation-log.js', 'f')).toBe('gateway');
    expect(packageOf('file:///repo/libs/logging/dist/index.js', 'f')).toBe('libs/logging');
    expect(packageOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(packageOf('', 'JSONParse')).toBe('(native)');
  });

  it('should add up self time per package and per function, idle apart', () => {
    const summary = summarizeCpuProfile({
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        { id: 3, callFrame: frame('applySelectionSet', 'file:///r/node_modules/@apollo/gateway/dist/resultShaping.js', 68) },
        { id: 4, callFrame: frame('write', 'file:///r/node_modules/pino/lib/proto.js', 9) },
      ],
      samples: [2, 3, 3, 4, 3],
      timeDeltas: [4000, 1000, 1000, 2000, 1000],
    });
    expect(summary.windowed).toBe(false);
    expect(summary.totalMs).toBe(9);
    expect(summary.idleMs).toBe(4);
    expect(summary.byPackage).toEqual([
      { name: '@apollo/gateway', selfMs: 3, share: 3 / 9 },
      { name: 'pino', selfMs: 2, share: 2 / 9 },
    ]);
    expect(summary.byFunction[0]).toEqual({ name: 'applySelectionSet @apollo/gateway/dist/resultShaping.js:69', selfMs: 3, share: 3 / 9 });
  });

  it('should add up the total time of this repository\'s functions over the samples under them', () => {
    const summary = summarizeCpuProfile({
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2] },
        { id: 2, callFrame: frame('logOperations', 'file:///r/gateway/dist/operation-log.js', 40), children: [3, 4] },
        { id: 3, callFrame: frame('write', 'file:///r/node_modules/pino/lib/proto.js'), children: [] },
        { id: 4, callFrame: frame('logOperations', 'file:///r/gateway/dist/operation-log.js', 40), children: [5] },
        { id: 5, callFrame: frame('stringify', 'file:///r/libs/logging/dist/index.js', 9) },
      ],
      samples: [3, 5, 2, 1],
      timeDeltas: [1000, 2000, 3000, 4000],
    });
    expect(summary.workspaceInclusive).toEqual([
      // Counted once for the recursive sample (5 under 4 under 2).
      { name: 'logOperations gateway/dist/operation-log.js:41', selfMs: 6, share: 0.6 },
      { name: 'stringify libs/logging/dist/index.js:10', selfMs: 2, share: 0.2 },
    ]);
  });

  it('should count only the samples of the measured window when it falls inside the profile', () => {
    const profile = {
      startTime: 1_000_000,
      nodes: [
        { id: 1, callFrame: frame('loadModule', 'node:internal/modules/esm/loader') },
        { id: 2, callFrame: frame('applySelectionSet', 'file:///r/node_modules/@apollo/gateway/dist/resultShaping.js') },
      ],
      // Sample times: 1.5 s, 2.5 s, 3.5 s, 4.5 s.
      samples: [1, 2, 2, 1],
      timeDeltas: [500_000, 1_000_000, 1_000_000, 1_000_000],
    };
    const windowed = summarizeCpuProfile(profile, 15, { startMicros: 2_000_000, endMicros: 4_000_000 });
    expect(windowed.windowed).toBe(true);
    expect(windowed.byPackage).toEqual([{ name: '@apollo/gateway', selfMs: 2000, share: 1 }]);
    // A window outside the profile (another clock): the whole profile, said so.
    const whole = summarizeCpuProfile(profile, 15, { startMicros: 9e12, endMicros: 9.1e12 });
    expect(whole.windowed).toBe(false);
    expect(whole.totalMs).toBe(3500);
  });
});
