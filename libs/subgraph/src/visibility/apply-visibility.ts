import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  getNullableType,
  isListType,
  isNonNullType,
  type GraphQLFieldConfig,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { forbidden, unauthenticated } from '@pdn/errors';
import { ANONYMOUS, type ApiScope, type Caller } from '@pdn/identity';
import type { Clock } from '../clock.js';
import { auditActor, bufferPrivateRead } from './audit.js';
import { REQUIRE_SCOPE_DIRECTIVE, VISIBILITY_DIRECTIVE, visibilitySubjectOf, type SubjectOf } from './visibility.decorators.js';
import { canSee, isSelf, isViewedBySelf, type VisibilityLayer } from './visibility-rules.js';

const LAYERS: VisibilityLayer[] = ['NETWORK', 'PRIVATE'];
const SCOPES: ApiScope[] = ['DIRECTORY_READ', 'CALENDAR_READ', 'FEED_READ', 'ALERTS_READ'];

export interface VisibilityOptions {
  clock: Clock;
}

type Field = GraphQLFieldConfig<unknown, unknown>;

function callerIn(context: unknown): Caller {
  return (context as { caller?: Caller } | undefined)?.caller ?? ANONYMOUS;
}

/**
 * The one place where the schema's access rules run, whatever the path to a field (a query, federation's
 * `_entities`, a subscription event):
 *  - a field marked `@visibility` resolves only for callers of its layer; for anyone else it is null
 *    when nullable, an empty list when a non-null list, and an error on the field when non-null
 *    otherwise (FORBIDDEN, or UNAUTHENTICATED for an anonymous caller); a PRIVATE field returned to
 *    someone other than its member is buffered for the audit;
 *  - root queries and subscriptions refuse partner applications whose API key lacks the scopes of their
 *    `@requireScope` (none declared: closed to partners), and mutations refuse partners altogether.
 * Federation's own root fields (`_entities`, `_service`) are left as they are: what they return is
 * guarded field by field.
 */
export function applyVisibility(schema: GraphQLSchema, options: VisibilityOptions): GraphQLSchema {
  const roots = {
    query: schema.getQueryType()?.name,
    mutation: schema.getMutationType()?.name,
    subscription: schema.getSubscriptionType()?.name,
  };
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      if (typeName === roots.mutation) return guardMutation(field, fieldName);
      if (typeName === roots.query || typeName === roots.subscription) {
        return fieldName.startsWith('_') ? field : guardRoot(field, fieldName, scopesOf(schema, field, typeName, fieldName));
      }
      const layer = layerOf(schema, field, typeName, fieldName);
      return layer ? guardField(field, typeName, fieldName, layer, options) : field;
    },
  });
}

function layerOf(schema: GraphQLSchema, field: Field, typeName: string, fieldName: string): Exclude<VisibilityLayer, 'PUBLIC'> | null {
  const layer = getDirective(schema, field, VISIBILITY_DIRECTIVE)?.[0]?.['layer'] as string | undefined;
  if (layer === undefined) return null;
  if (!(LAYERS as string[]).includes(layer)) throw new Error(`${typeName}.${fieldName}: unknown visibility layer "${layer}" (${LAYERS.join(', ')}).`);
  return layer as Exclude<VisibilityLayer, 'PUBLIC'>;
}

function scopesOf(schema: GraphQLSchema, field: Field, typeName: string, fieldName: string): ApiScope[] {
  const scopes = (getDirective(schema, field, REQUIRE_SCOPE_DIRECTIVE)?.[0]?.['scopes'] as string[] | undefined) ?? [];
  for (const scope of scopes) {
    if (!(SCOPES as string[]).includes(scope)) throw new Error(`${typeName}.${fieldName}: unknown API scope "${scope}".`);
  }
  return scopes as ApiScope[];
}

function guardMutation(field: Field, fieldName: string): Field {
  const resolve = field.resolve ?? defaultFieldResolver;
  return {
    ...field,
    resolve: (source, args, context, info) => {
      if (callerIn(context).kind === 'partner') throw forbidden(`Partner applications read; they cannot run ${fieldName}.`);
      return resolve(source, args, context, info);
    },
  };
}

function guardRoot(field: Field, fieldName: string, scopes: ApiScope[]): Field {
  const check = (context: unknown) => {
    const caller = callerIn(context);
    if (caller.kind !== 'partner') return;
    if (scopes.length === 0) throw forbidden(`${fieldName} is not open to partner applications.`);
    if (!scopes.some((scope) => caller.scopes.includes(scope))) {
      throw forbidden(`This API key lacks the scope ${scopes.join(' or ')} that ${fieldName} needs.`);
    }
  };
  const guarded: Field = { ...field };
  const resolve = field.resolve;
  if (resolve || !field.subscribe) {
    const inner = resolve ?? defaultFieldResolver;
    guarded.resolve = (source, args, context, info) => {
      // A subscription's resolve runs per event, after subscribe has checked the caller.
      if (!field.subscribe) check(context);
      return inner(source, args, context, info);
    };
  }
  if (field.subscribe) {
    const subscribe = field.subscribe;
    guarded.subscribe = (source, args, context, info) => {
      check(context);
      return subscribe(source, args, context, info);
    };
  }
  return guarded;
}

function guardField(field: Field, typeName: string, fieldName: string, layer: Exclude<VisibilityLayer, 'PUBLIC'>, options: VisibilityOptions): Field {
  const subjectOf = visibilitySubjectOf(typeName);
  if (!subjectOf) throw new Error(`${typeName}.${fieldName} has a visibility but ${typeName} has no @VisibilitySubject to say whose data it is.`);
  const hidden = hiddenValue(field, typeName, fieldName, layer);
  const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
  return {
    ...field,
    resolve: (source, args, context, info) => {
      if (isViewedBySelf(source)) return resolve(source, args, context, info);
      const caller = callerIn(context);
      const subject = (subjectOf as SubjectOf<unknown>)(source);
      if (!canSee(caller, subject, layer)) return hidden(caller);
      const value = resolve(source, args, context, info);
      const actor = layer === 'PRIVATE' && !isSelf(caller, subject) ? auditActor(caller) : null;
      if (!actor || typeof context !== 'object' || context === null) return value;
      const audit = () => bufferPrivateRead(context, actor, subject.memberId, fieldName, info, options.clock.now());
      if (value instanceof Promise) {
        return value.then((resolved: unknown) => {
          audit();
          return resolved;
        });
      }
      audit();
      return value;
    },
  };
}

/**
 * What a hidden field answers: null when nullable, an empty list where the contract fixes a non-null
 * list, and otherwise an error on the field (its path in the response), since there is no value to
 * make up: UNAUTHENTICATED for an anonymous caller (signing in may open it), FORBIDDEN for anyone else.
 */
function hiddenValue(field: Field, typeName: string, fieldName: string, layer: Exclude<VisibilityLayer, 'PUBLIC'>): (caller: Caller) => null | [] {
  if (!isNonNullType(field.type)) return () => null;
  if (isListType(getNullableType(field.type))) return () => [];
  const who = layer === 'PRIVATE' ? 'the member, the coordinators of their département and admins' : 'signed-in members of the network';
  return (caller) => {
    if (caller.kind === 'anonymous') throw unauthenticated(`Sign in to see ${typeName}.${fieldName}.`);
    throw forbidden(`${typeName}.${fieldName} is for ${who} only.`);
  };
}
