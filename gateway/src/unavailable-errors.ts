import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode } from '@pdn/errors';

type Path = (string | number)[];

// One error per missing field is what a single server would report, but a list of thousands of entities
// should not turn into thousands of errors.
const MAX_ERRORS = 100;

function collectFields(
  selectionSet: SelectionSetNode,
  typename: string | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  into: Map<string, FieldNode> = new Map(),
): Map<string, FieldNode> {
  const applies = (typeCondition: string | undefined) => !typeCondition || !typename || typeCondition === typename;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const responseName = selection.alias?.value ?? selection.name.value;
      if (selection.name.value !== '__typename' && !into.has(responseName)) into.set(responseName, selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(selection.typeCondition?.name.value)) collectFields(selection.selectionSet, typename, fragments, into);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && applies(fragment.typeCondition.name.value)) {
        collectFields(fragment.selectionSet, typename, fragments, into);
      }
    }
  }
  return into;
}

/**
 * Paths, in the subgraph operation, of the fields a failed fetch should have filled. The gateway turns
 * `_entities.<i>.<field>` into the client's path (e.g. `me.upcomingEvents`) and prefixes root fields
 * with where the fetch sits, so clients see which fields are missing, as the spec asks.
 */
export function missingFieldPaths(document: DocumentNode, variables: Record<string, unknown> | undefined): Path[] {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [];
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const roots = [...collectFields(operation.selectionSet, undefined, fragments)];
  const representations = variables?.representations;
  const [rootName, rootField] = roots[0] ?? [];
  if (roots.length === 1 && rootField?.name.value === '_entities' && Array.isArray(representations)) {
    const paths: Path[] = [];
    representations.forEach((representation: { __typename?: string }, index) => {
      const fields = rootField.selectionSet
        ? [...collectFields(rootField.selectionSet, representation?.__typename, fragments).keys()]
        : [];
      if (fields.length === 0) paths.push([rootName, index]);
      for (const field of fields) paths.push([rootName, index, field]);
    });
    return paths.slice(0, MAX_ERRORS);
  }
  return roots.map(([responseName]) => [responseName]);
}

export interface Unavailability {
  service: string;
  message: string;
}

export function serviceUnavailableErrors(
  { service, message }: Unavailability,
  paths: Path[],
): GraphQLFormattedError[] {
  const extensions = { code: ErrorCode.SERVICE_UNAVAILABLE, service };
  if (paths.length === 0) return [{ message, extensions }];
  return paths.map((path) => ({ message, path, extensions }));
}
