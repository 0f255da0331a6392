/**
 * The children log pino JSON, one object a line. The runner shows them prefixed by the process's name,
 * as one readable line each, and only from a level up (warn unless LOG_LEVEL says otherwise) so the
 * console stays readable; everything is kept in a short ring buffer for when a process dies.
 */

export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
export type LevelName = keyof typeof LEVELS;

const LEVEL_LABELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

export function isLevelName(value: string | undefined): value is LevelName {
  return value !== undefined && Object.hasOwn(LEVELS, value);
}

/**
 * Which level the children log at and which the console shows. With LOG_LEVEL set, both are that level.
 * Without it, children log at info (kept for the post-mortem of a dead process) and the console shows warn+.
 */
export function logLevels(env: Record<string, string | undefined>): { child: LevelName; display: LevelName } {
  const wanted = env.LOG_LEVEL?.trim();
  if (isLevelName(wanted)) return { child: wanted, display: wanted };
  return { child: 'info', display: 'warn' };
}

export interface LogRecord {
  level: number;
  msg: string;
  time?: number;
  fields: Record<string, unknown>;
}

// pino's own bookkeeping, and what the prefix already says.
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'name', 'v']);

/** A pino JSON line, or undefined for anything else (a stack trace on stderr, a Node warning). */
export function parseLogLine(line: string): LogRecord | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || typeof (value as { level?: unknown }).level !== 'number') return undefined;
  const record = value as Record<string, unknown>;
  const fields = Object.fromEntries(Object.entries(record).filter(([key]) => !HIDDEN.has(key)));
  return {
    level: record.level as number,
    msg: typeof record.msg === 'string' ? record.msg : '',
    time: typeof record.time === 'number' ? record.time : undefined,
    fields,
  };
}

/** Lines that are not JSON logs (crashes, Node's own messages) are always shown. */
export function shouldShow(line: string, display: LevelName): boolean {
  const record = parseLogLine(line);
  return record === undefined ? line.trim() !== '' : record.level >= LEVELS[display];
}

const MAX_FIELDS_LENGTH = 400;

function describeFields(fields: Record<string, unknown>, withStack: boolean): string {
  const { err, ...rest } = fields as { err?: { message?: string; stack?: string; type?: string } } & Record<string, unknown>;
  const parts: string[] = [];
  if (Object.keys(rest).length > 0) {
    const json = JSON.stringify(rest);
    parts.push(json.length > MAX_FIELDS_LENGTH ? `${json.slice(0, MAX_FIELDS_LENGTH)}…` : json);
  }
  if (err && typeof err === 'object') {
    parts.push(withStack && err.stack ? `\n${err.stack}` : `(${err.type ? `${err.type}: ` : ''}${err.message ?? 'error'})`);
  }
  return parts.join(' ');
}

export interface FormatOptions {
  /** Width the process name is padded to, so messages line up. */
  nameWidth?: number;
  color?: boolean;
  /** Print an error's whole stack (post-mortem) rather than its message. */
  withStack?: boolean;
}

const COLORS = { reset: '\x1b[0m', dim: '\x1b[2m', red: '\x1b[31m', yellow: '\x1b[33m', cyan: '\x1b[36m', magenta: '\x1b[35m', green: '\x1b[32m', blue: '\x1b[34m' };
const NAME_COLORS = [COLORS.cyan, COLORS.magenta, COLORS.green, COLORS.blue, COLORS.yellow];

function paint(color: boolean, code: string, text: string): string {
  return color ? `${code}${text}${COLORS.reset}` : text;
}

/** Stable colour per process name. */
function nameColor(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return NAME_COLORS[hash % NAME_COLORS.length]!;
}

export function prefix(name: string, options: FormatOptions = {}): string {
  const padded = name.padEnd(options.nameWidth ?? name.length);
  return `${paint(!!options.color, nameColor(name), padded)} ${paint(!!options.color, COLORS.dim, '|')}`;
}

/** "members  | WARN  not ready (Error: connect ECONNREFUSED)" */
export function formatLogLine(name: string, line: string, options: FormatOptions = {}): string {
  const record = parseLogLine(line);
  if (!record) return `${prefix(name, options)} ${line}`;
  const label = (LEVEL_LABELS[record.level] ?? String(record.level)).padEnd(5);
  const levelColor = record.level >= LEVELS.error ? COLORS.red : record.level >= LEVELS.warn ? COLORS.yellow : COLORS.dim;
  const details = describeFields(record.fields, !!options.withStack);
  return `${prefix(name, options)} ${paint(!!options.color, levelColor, label)} ${record.msg}${details ? ` ${details}` : ''}`;
}

/** The last `capacity` lines a process wrote, whatever their level. */
export class RingBuffer {
  private readonly lines: string[] = [];
  constructor(private readonly capacity: number) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  toArray(): string[] {
    return [...this.lines];
  }
}
