import { Directive } from '@nestjs/graphql';
import { DirectiveLocation, GraphQLDirective, GraphQLList, GraphQLNonNull, GraphQLString } from 'graphql';
import type { ApiScope } from '@pdn/identity';
import type { DataSubject, VisibilityLayer } from './visibility-rules.js';

/**
 * The schema directives that carry the rules: declared in every subgraph (subgraphGraphqlModule), read
 * back from the built schema by `applyVisibility`. Their arguments are strings rather than enums, so no
 * internal enum type leaks into the composed supergraph; the decorators below are the typed way in.
 */
export const VISIBILITY_DIRECTIVE = 'visibility';
export const REQUIRE_SCOPE_DIRECTIVE = 'requireScope';
export const PER_VIEWER_DIRECTIVE = 'perViewer';

export const visibilityDirectives: GraphQLDirective[] = [
  new GraphQLDirective({
    name: VISIBILITY_DIRECTIVE,
    description: 'Who sees this field: NETWORK (signed-in network members) or PRIVATE (the member, their coordinators, admins); hidden as null, [] for a non-null list, FORBIDDEN for another non-null field.',
    locations: [DirectiveLocation.FIELD_DEFINITION],
    args: { layer: { type: new GraphQLNonNull(GraphQLString) } },
  }),
  new GraphQLDirective({
    name: REQUIRE_SCOPE_DIRECTIVE,
    description: 'A partner application needs one of these API key scopes for this root field (FORBIDDEN otherwise).',
    locations: [DirectiveLocation.FIELD_DEFINITION],
    args: { scopes: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))) } },
  }),
  new GraphQLDirective({
    name: PER_VIEWER_DIRECTIVE,
    description: 'The answer depends on which member asks (their memberId), beyond their role, status and départements: the gateway never shares it between subscribers.',
    locations: [DirectiveLocation.FIELD_DEFINITION],
  }),
];

/**
 * Declares who may see a field, once, on the schema: `@Visibility('PRIVATE')` beside `@Field` or
 * `@ResolveField`. Hidden, a nullable field is null, a non-null list is [], and any other non-null
 * field is an error on the field (FORBIDDEN; UNAUTHENTICATED when anonymous); its type needs
 * `@VisibilitySubject` to say whose data it is.
 */
export function Visibility(layer: Exclude<VisibilityLayer, 'PUBLIC'>): MethodDecorator & PropertyDecorator {
  return Directive(`@${VISIBILITY_DIRECTIVE}(layer: "${layer}")`) as MethodDecorator & PropertyDecorator;
}

/**
 * The API key scopes that let a partner application use a root query or subscription (any one of them).
 * A root field without it is closed to partners; members and anonymous callers are not concerned.
 */
export function RequireScope(...scopes: [ApiScope, ...ApiScope[]]): MethodDecorator {
  return Directive(`@${REQUIRE_SCOPE_DIRECTIVE}(scopes: [${scopes.map((s) => `"${s}"`).join(', ')}])`) as MethodDecorator;
}

/**
 * Says that a field's answer depends on the caller's memberId (`acknowledgedByMe`, `myRegistration`, a
 * stream filtered per member…), not only on what the gateway calls the caller's audience: kind, role,
 * status and départements. The gateway runs one upstream subscription for the subscribers of one
 * audience (gateway/src/shared-subscriptions); an operation selecting such a field, or a
 * `@Visibility('PRIVATE')` one (the subject sees it), runs per member instead. `npm run compose` lists
 * these fields in gateway/per-viewer-fields.json. Put it on every resolver that reads the caller's
 * memberId, or on a field whose visibility treats the caller's own data apart.
 */
export function PerViewer(): MethodDecorator & PropertyDecorator {
  return Directive(`@${PER_VIEWER_DIRECTIVE}`) as MethodDecorator & PropertyDecorator;
}

export type SubjectOf<TSource = never> = (source: TSource) => DataSubject;

const subjects = new Map<string, SubjectOf<unknown>>();

/**
 * Says, on an object type that has `@Visibility` fields, whose data an object of it is: the member and
 * their département, read from the object the resolvers return (or federation's representation).
 * `typeName` is needed only when the GraphQL name differs from the class name.
 */
export function VisibilitySubject<TSource>(subjectOf: SubjectOf<TSource>, typeName?: string): ClassDecorator {
  return (target) => {
    subjects.set(typeName ?? target.name, subjectOf as SubjectOf<unknown>);
  };
}

export function visibilitySubjectOf(typeName: string): SubjectOf<unknown> | undefined {
  return subjects.get(typeName);
}
