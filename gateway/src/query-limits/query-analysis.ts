import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInterfaceType,
  isIntrospectionType as isIntrospectionNamedType,
  isListType,
  isObjectType,
  Kind,
  Lexer,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  Source,
  TokenKind,
  TypeMetaFieldDef,
  type ValueNode,
} from 'graphql';

/** What the limits are checked against, measured on one operation with its fragments expanded. */
export interface OperationMeasures {
  /** Levels of nested fields: `{ me { id } }` is 2. */
  depth: number;
  /** Aliased fields, counted as many times as a fragment holding them is spread. */
  aliases: number;
  /** Fields selected at the root of the operation. */
  rootFields: number;
  /** Estimated cost: each field 1, a list field's subtree multiplied by its expected length. */
  cost: number;
  /** Selects `__schema` or `__type`. */
  introspection: boolean;
}

export interface MeasureOptions {
  /** Expected length of a list field with no `first`/`last` argument (or one left unset). */
  defaultListSize: number;
}

/** Lists inside a connection are sized by the connection's `first`/`last`, not counted again. */
const CONNECTION_LISTS = new Set(['edges', 'nodes']);
const PAGE_SIZE_ARGUMENTS = ['first', 'last'];

interface Summary {
  fields: number;
  depth: number;
  aliases: number;
  cost: number;
  introspection: boolean;
}

const isIntrospectionType = (type: GraphQLNamedType | undefined) => type !== undefined && isIntrospectionNamedType(type);

const EMPTY: Summary = { fields: 0, depth: 0, aliases: 0, cost: 0, introspection: false };

/**
 * Tokens of a GraphQL document as graphql-js's `parse(source, { maxTokens })` counts them (comments
 * excluded). A document that does not lex is counted up to its error: parsing reports that error.
 */
export function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // a syntax error: the count so far is what the parser would have reached
  }
  return count;
}

/**
 * Measures one operation. Fragments are expanded (each fragment measured once per context, so a
 * "fragment bomb" spreading fragments exponentially is measured in linear time); a fragment spread
 * inside itself counts nothing (validation refuses such documents). The schema says which fields
 * are lists and which take `first`/`last`; fields it does not know count as single objects.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  options: MeasureOptions,
): OperationMeasures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const variableDefaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const memo = new Map<string, Summary>();
  const expanding = new Set<string>();

  function intValue(node: ValueNode | undefined): number | undefined {
    if (!node) return undefined;
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      const value = variables?.[name];
      if (typeof value === 'number') return value;
      if (value === undefined) return intValue(variableDefaults.get(name));
    }
    return undefined;
  }

  /** How many times the field's subtree is expected to run, and whether its lists are the page. */
  function sizeOf(
    field: FieldNode,
    definition: GraphQLField<unknown, unknown> | undefined,
    introspective: boolean,
    inConnection: boolean,
  ) {
    const paginated = PAGE_SIZE_ARGUMENTS.some(
      (name) =>
        definition?.args.some((arg) => arg.name === name) ?? field.arguments?.some((arg) => arg.name.value === name),
    );
    if (paginated) {
      const sizes = PAGE_SIZE_ARGUMENTS.map((name) => intValue(field.arguments?.find((arg) => arg.name.value === name)?.value)).filter(
        (size): size is number => size !== undefined && Number.isInteger(size),
      );
      return { multiplier: sizes.length ? Math.max(0, ...sizes) : options.defaultListSize, connection: true };
    }
    const isList = definition ? isListType(getNullableType(definition.type)) : false;
    // Introspection lists nest at most 3 deep (graphql-js's MaxIntrospectionDepthRule, a validation rule
    // Apollo runs) and resolve in process, never in a subgraph: each counts as the fields it selects.
    if (!isList || introspective) return { multiplier: 1, connection: false };
    return { multiplier: inConnection && CONNECTION_LISTS.has(field.name.value) ? 1 : options.defaultListSize, connection: false };
  }

  function fieldDefinition(parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
    if (parent && (isObjectType(parent) || isInterfaceType(parent))) return parent.getFields()[name];
    return undefined;
  }

  function measureSelections(selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined, inConnection: boolean): Summary {
    let fields = 0;
    let depth = 0;
    let aliases = 0;
    let cost = 0;
    let introspection = false;
    const add = (summary: Summary) => {
      fields += summary.fields;
      depth = Math.max(depth, summary.depth);
      aliases += summary.aliases;
      cost += summary.cost;
      introspection ||= summary.introspection;
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const definition = fieldDefinition(parent, selection.name.value);
        const metaField = definition === SchemaMetaFieldDef || definition === TypeMetaFieldDef;
        const introspective = metaField || isIntrospectionType(parent);
        const { multiplier, connection } = sizeOf(selection, definition, introspective, inConnection);
        const below = selection.selectionSet
          ? measureSelections(selection.selectionSet, definition && getNamedType(definition.type), connection)
          : EMPTY;
        add({
          fields: 1,
          // `ofType` unwraps a type reference and is null past its last wrapper ([[T!]!]! at most, in
          // practice): tools nest it 9 times in their introspection query, which costs nothing.
          depth: (introspective && selection.name.value === 'ofType' ? 0 : 1) + below.depth,
          aliases: (selection.alias ? 1 : 0) + below.aliases,
          cost: 1 + multiplier * below.cost,
          introspection: metaField || below.introspection,
        });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        add(measureSelections(selection.selectionSet, type ?? undefined, inConnection));
      } else {
        add(measureFragment(selection.name.value, inConnection));
      }
    }
    return { fields, depth, aliases, cost, introspection };
  }

  function measureFragment(name: string, inConnection: boolean): Summary {
    const key = `${name}\u0000${inConnection}`;
    const known = memo.get(key);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || expanding.has(name)) return EMPTY;
    expanding.add(name);
    const summary = measureSelections(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, inConnection);
    expanding.delete(name);
    memo.set(key, summary);
    return summary;
  }

  const root = schema.getRootType(operation.operation) ?? undefined;
  const summary = measureSelections(operation.selectionSet, root, false);
  return {
    depth: summary.depth,
    aliases: summary.aliases,
    rootFields: summary.fields,
    cost: Math.min(summary.cost, Number.MAX_SAFE_INTEGER),
    introspection: summary.introspection,
  };
}
