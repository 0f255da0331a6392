import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { formatGraphQLError, isServiceUnavailableError, SERVICE_UNAVAILABLE_MESSAGE } from '@pdn/errors';

// Shaped as node-postgres, pg-pool, Node and drizzle raise them (libs/database's spec checks the real
// ones against a server): a code or a message, often wrapped.
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const refused = withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
/** drizzle-orm wraps every failed query, the SQL and its parameters in the message. */
const failedQuery = (cause: unknown) => Object.assign(new Error('Failed query: insert into "posts" ("body") values ($1)\nparams: secret'), { cause });
/** graphql-js wraps what a resolver throws. */
const inResolver = (original: Error) => new GraphQLError(original.message, { originalError: original });

describe('isServiceUnavailableError', () => {
  it.each([
    ['a refused connection', refused],
    ['a connection the server ended', new Error('Connection terminated unexpectedly')],
    ['a connection that timed out', new Error('Connection terminated due to connection timeout')],
    ['a connection attempt that timed out', new Error('timeout expired')],
    ['a pool wait that timed out', new Error('timeout exceeded when trying to connect')],
    ['a client broken by an earlier connection error', new Error('Client has encountered a connection error and is not queryable')],
    ['a client the pool discarded after its connection broke', new Error('Client was closed and is not queryable')],
    ['a server shutting down (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['a server starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['too many connections (53300)', withCode('sorry, too many clients already', '53300')],
    ['a statement timeout (57014)', withCode('canceling statement due to statement timeout', '57014')],
    ['a lost connection (08006)', withCode('connection failure', '08006')],
    ['a host name that does not resolve', withCode('getaddrinfo ENOTFOUND db', 'ENOTFOUND')],
    ['every address of a host refused', new AggregateError([refused, withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '')],
    ['a refusal wrapped by drizzle and graphql-js', inResolver(failedQuery(refused))],
    ['a lost connection rewritten without its query parameters (members)', Object.assign(new Error('Database query failed: Connection terminated unexpectedly'), { code: undefined })],
  ])('should recognise %s', (_what, error) => {
    expect(isServiceUnavailableError(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint violation (23505)', failedQuery(withCode('duplicate key value violates unique constraint', '23505'))],
    ['a missing relation (42P01)', withCode('relation "x" does not exist', '42P01')],
    ['a contract code', withCode('nope', 'SERVICE_UNAVAILABLE')],
    ['an AggregateError with one bug among refusals', new AggregateError([refused, new Error('bug')], '')],
    ['not an error', 'ECONNREFUSED'],
    ['a message that only looks like a driver one', { message: 'Connection terminated unexpectedly' }],
    ['a driver phrase inside a sentence', new Error('Connection terminated unexpectedly is what the logs said yesterday')],
  ])('should not take %s for an outage', (_what, error) => {
    expect(isServiceUnavailableError(error)).toBe(false);
  });

  it('should stop on an error that wraps itself', () => {
    const looping: Error & { cause?: unknown } = new Error('loop');
    looping.cause = looping;
    expect(isServiceUnavailableError(looping)).toBe(false);
  });
});

describe('formatGraphQLError for a database out of reach', () => {
  const error = inResolver(failedQuery(withCode('terminating connection due to administrator command', '57P01')));
  const formatted = { message: error.message, path: ['publishPost'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at pg'] } };

  it('should answer SERVICE_UNAVAILABLE without SQL, parameters or stack, and still log the cause', () => {
    const logged: unknown[] = [];
    const result = formatGraphQLError(formatted, error, { exposeInternals: false, onInternalError: (e) => logged.push(e) });
    expect(result).toEqual({ message: SERVICE_UNAVAILABLE_MESSAGE, path: ['publishPost'], extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(logged).toHaveLength(1);
  });

  it("should keep the driver's message and the stack in development", () => {
    const result = formatGraphQLError(formatted, error, { exposeInternals: true });
    expect(result.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', stacktrace: ['at pg'] });
    expect(result.message).toContain('Failed query');
  });

  it('should leave a code a subgraph already gave alone (the gateway forwards it)', () => {
    const forwarded = { message: 'The feed service is unavailable.', extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'feed' } };
    expect(formatGraphQLError(forwarded, new GraphQLError(forwarded.message, { originalError: refused }), { exposeInternals: false })).toEqual(forwarded);
  });
});
