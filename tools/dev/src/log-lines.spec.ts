import { describe, expect, it } from '@jest/globals';
import { RingBuffer, formatLogLine, logLevels, parseLogLine, shouldShow } from './log-lines.js';

const line = (level: number, msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level, time: 1764150000000, pid: 42, hostname: 'h', service: 'members', name: 'members', msg, ...extra });

describe('log lines', () => {
  it('should show warnings and above by default while children keep logging at info', () => {
    expect(logLevels({})).toEqual({ child: 'info', display: 'warn' });
    expect(logLevels({ LOG_LEVEL: 'debug' })).toEqual({ child: 'debug', display: 'debug' });
    expect(logLevels({ LOG_LEVEL: 'loud' })).toEqual({ child: 'info', display: 'warn' });
  });

  it('should filter JSON logs by level but always show anything else', () => {
    expect(shouldShow(line(30, 'request'), 'warn')).toBe(false);
    expect(shouldShow(line(40, 'not ready'), 'warn')).toBe(true);
    expect(shouldShow(line(30, 'request'), 'info')).toBe(true);
    expect(shouldShow('    at Object.<anonymous> (/x.js:1:1)', 'warn')).toBe(true);
    expect(shouldShow('', 'warn')).toBe(false);
    expect(shouldShow(line(60, 'boom'), 'silent')).toBe(false);
  });

  it('should print one readable line, prefixed by the process name, without pino bookkeeping', () => {
    const formatted = formatLogLine('members', line(40, 'not ready', { err: { type: 'Error', message: 'connect ECONNREFUSED', stack: 'Error: connect…\n    at x' } }), { nameWidth: 8 });
    expect(formatted).toBe('members  | WARN  not ready (Error: connect ECONNREFUSED)');
    expect(formatLogLine('gateway', line(30, 'request', { status: 200 }))).toBe('gateway | INFO  request {"status":200}');
    expect(formatLogLine('feed', 'plain text')).toBe('feed | plain text');
  });

  it('should print the stack of an error in a post-mortem', () => {
    const formatted = formatLogLine('members', line(50, 'crash', { err: { message: 'x', stack: 'Error: x\n    at y' } }), { withStack: true });
    expect(formatted).toContain('Error: x\n    at y');
  });

  it('should read only JSON objects with a numeric level as logs', () => {
    expect(parseLogLine('{"level":30,"msg":"hi","reqId":1}')).toEqual({ level: 30, msg: 'hi', time: undefined, fields: { reqId: 1 } });
    expect(parseLogLine('{"not":"a log"}')).toBeUndefined();
    expect(parseLogLine('{broken')).toBeUndefined();
  });

  it('should keep only the last lines', () => {
    const buffer = new RingBuffer(2);
    for (const l of ['a', 'b', 'c']) buffer.push(l);
    expect(buffer.toArray()).toEqual(['b', 'c']);
  });
});
