import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type DocumentNode,
  type GraphQLSchema,
  isAbstractType,
  isObjectType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Caller } from '@pdn/identity';

/**
 * Fields whose answer depends on which member asks, by type name: what `npm run compose` writes to
 * gateway/per-viewer-fields.json from the subgraphs' `@perViewer` and `@visibility(layer: "PRIVATE")`
 * fields. `null`: not known (no file), so nothing is shared between members.
 */
export type PerViewerFields = Readonly<Record<string, readonly string[]>> | null;

export const PER_VIEWER_FIELDS_FILE = 'per-viewer-fields.json';

/** The per-viewer fields beside the supergraph (`<dir of supergraph>/per-viewer-fields.json`); null when absent. */
export function readPerViewerFields(supergraphPath: string): PerViewerFields {
  const path = join(dirname(supergraphPath), PER_VIEWER_FIELDS_FILE);
  if (!existsSync(path)) return null;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { fields?: Record<string, string[]> };
  return parsed.fields ?? null;
}

/**
 * Whether an operation selects a per-viewer field anywhere: in its selection sets, its fragments (all
 * of the document's, used or not), and on abstract types whenever one possible type declares it so.
 * Answers are cached by document text, which the hub's key already computes.
 */
export class PerViewerDetector {
  private readonly byType = new Map<string, Set<string>>();
  private readonly cache = new Map<string, boolean>();

  constructor(
    private readonly schema: GraphQLSchema,
    readonly fields: PerViewerFields,
  ) {
    for (const [type, names] of Object.entries(fields ?? {})) this.byType.set(type, new Set(names));
  }

  selectsPerViewerField(document: DocumentNode, documentText: string): boolean {
    if (this.fields === null) return true;
    const known = this.cache.get(documentText);
    if (known !== undefined) return known;
    const found = this.scan(document);
    if (this.cache.size >= 1000) this.cache.clear();
    this.cache.set(documentText, found);
    return found;
  }

  private declares(typeName: string, field: string): boolean {
    return this.byType.get(typeName)?.has(field) ?? false;
  }

  private scan(document: DocumentNode): boolean {
    const typeInfo = new TypeInfo(this.schema);
    let found = false;
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: (node) => {
          const parent = typeInfo.getParentType();
          if (!parent || found) return;
          const name = node.name.value;
          if (isObjectType(parent) && this.declares(parent.name, name)) found = true;
          else if (isAbstractType(parent)) {
            if (this.declares(parent.name, name) || this.schema.getPossibleTypes(parent).some((type) => this.declares(type.name, name))) {
              found = true;
            }
          }
        },
      }),
    );
    return found;
  }
}

/**
 * What an answer can depend on, beside the operation and its variables: who asks, as the subgraphs
 * read it. For a member, their kind, role, status and départements (visibility layers, coordinators'
 * rights, the alerts of their départements), plus their memberId when the operation selects a
 * per-viewer field; a partner application, its key (and the key's scopes and départements); anonymous
 * callers share one audience. Anything else gets an audience of its own (shares nothing).
 */
export function audienceOf(caller: Caller, perViewer: boolean): string {
  switch (caller.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'member': {
      const departments = [...caller.departments].sort().join(',');
      const base = `member|${caller.role}|${caller.status}|${departments}`;
      return perViewer ? `${base}|${caller.memberId}` : base;
    }
    case 'partner':
      return `partner|${caller.apiKeyId}|${[...caller.scopes].sort().join(',')}|${[...caller.departments].sort().join(',')}`;
    default:
      return `unknown|${randomUUID()}`;
  }
}

// Variables of the same operation in another key order name the same hub.
export { stableJson } from '../stable-json.js';
