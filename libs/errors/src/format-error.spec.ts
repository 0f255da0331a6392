import { describe, expect, it } from '@jest/globals';
import { buildSchema, graphql, GraphQLScalarType } from 'graphql';
import { formatGraphQLError } from '@pdn/errors';

const Day = new GraphQLScalarType({
  name: 'Day',
  parseValue: (v) => {
    if (v !== '2026-01-01') throw new TypeError('not a day');
    return v;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== 'StringValue' || ast.value !== '2026-01-01') throw new TypeError('not a day');
    return ast.value;
  },
});

describe('formatGraphQLError', () => {
  const schema = buildSchema('scalar Day\ninput In { date: Day! }\ntype Query { at(from: Day!, input: In): Int }');
  Object.assign(schema.getType('Day')!, { parseValue: Day.parseValue, parseLiteral: Day.parseLiteral });
  // Apollo Server tags these errors with a code before formatError sees them; so do we here.
  const format = async (source: string, variableValues?: Record<string, unknown>) => {
    const result = await graphql({ schema, source, variableValues, rootValue: { at: () => 1 } });
    const error = result.errors![0]!;
    const code = variableValues ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED';
    return formatGraphQLError({ ...error.toJSON(), extensions: { code } }, error, { exposeInternals: false });
  };

  it('should name the input path of a variable of the wrong type', async () => {
    const formatted = await format('query($input: In) { at(from: "2026-01-01", input: $input) }', { input: { date: 'x' } });
    expect(formatted.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.date' });
  });

  it('should name the argument of a literal of the wrong type', async () => {
    const formatted = await format('{ at(from: "nope") }');
    expect(formatted.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  });

  it('should hide internal errors and their messages outside development', () => {
    const formatted = formatGraphQLError({ message: 'relation "x" does not exist' }, new Error('relation "x" does not exist'), { exposeInternals: false });
    expect(formatted).toEqual({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
