import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import { formatParisDateTime } from './paris-time.js';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A plain error, not a GraphQLError: graphql-js then wraps it with the value's location (literals)
 * or the variable's path, which is how BAD_USER_INPUT gets its `field`.
 */
function badScalar(name: string, message: string): TypeError {
  return new TypeError(`${name}: ${message}`);
}

export function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_WITH_OFFSET.test(value)) {
    throw badScalar('DateTime', 'expected an ISO 8601 date-time with an offset, e.g. 2026-11-26T18:00:00+01:00');
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badScalar('DateTime', `${value} is not a real date-time`);
  return date;
}

export function parseIsoDate(value: unknown): string {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (!match) throw badScalar('Date', 'expected a date as YYYY-MM-DD');
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m! - 1 || date.getUTCDate() !== d) {
    throw badScalar('Date', `${String(value)} is not a real date`);
  }
  return value as string;
}

function literal(ast: ValueNode, name: string): string {
  if (ast.kind !== Kind.STRING) throw badScalar(name, 'expected a string');
  return ast.value;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO 8601 date-time with offset, shown in Europe/Paris time, e.g. 2026-11-26T18:00:00+01:00',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date');
    return formatParisDateTime(date);
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(literal(ast, 'DateTime')),
});

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : parseIsoDate(value)),
  parseValue: parseIsoDate,
  parseLiteral: (ast) => parseIsoDate(literal(ast, 'Date')),
});

/** A JSON value: `null`, a boolean, a finite number, a string, an array or an object of JSON values. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Turns what a resolver returns into plain JSON: instants become Paris date-times, as DateTime shows
 * them; `undefined` properties are dropped. Anything JSON cannot carry is a programming error.
 */
export function toJsonValue(value: unknown, path = '$'): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`JSON cannot represent ${value} (at ${path})`);
    return value;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`JSON cannot represent an invalid date (at ${path})`);
    return formatParisDateTime(value);
  }
  if (Array.isArray(value)) return value.map((item, i) => toJsonValue(item ?? null, `${path}[${i}]`));
  if (typeof value === 'object' && isPlainObject(value)) {
    const result: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) result[key] = toJsonValue(item, `${path}.${key}`);
    return result;
  }
  throw new TypeError(`JSON cannot represent a ${typeof value === 'object' ? value.constructor?.name ?? 'object' : typeof value} (at ${path})`);
}

/** A plain object, whatever realm made it (`fetch` answers come from Node's own, not a test's). */
function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

export const JSONScalar = new GraphQLScalarType<JsonValue, JsonValue>({
  name: 'JSON',
  description: 'Any JSON value; instants in it are written as DateTime writes them',
  serialize: (value) => toJsonValue(value),
  parseValue: (value) => toJsonValue(value),
  parseLiteral: (ast, variables) => toJsonValue(valueFromASTUntyped(ast, variables)),
});
