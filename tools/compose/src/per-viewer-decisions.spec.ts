// Shared subscriptions (gateway/src/shared-subscriptions/) give one answer to every subscriber of an
// audience (role, status, départements), unless a field is per-viewer. A field resolver that is handed
// the caller may read more than the audience (the memberId): each such resolver must say which it is,
// `@PerViewer()` on it, or an entry below saying why the audience is enough. A new one fails here
// until its author has decided.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { workspaceRoot } from './compose.js';

/** Field resolvers that read the caller's role, status or départements only: the same for a whole audience. */
const AUDIENCE_ONLY: Record<string, string> = {
  'services/calendar/src/events/events.resolver.ts#registrations': 'coordinators of the event\'s département and admins see them: role and départements',
  'services/calendar/src/events/events.resolver.ts#closingNotes': 'coordinators of the event\'s département only: role and départements',
  'services/feed/src/alerts/alerts.resolver.ts#hasAcknowledged': 'coordinators of the member\'s département ask it: role and départements',
  'services/members/src/structures/structures.resolver.ts#members': 'the members visible to the caller\'s role and départements',
};

function resolverFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return resolverFiles(path);
    return entry.name.endsWith('.resolver.ts') ? [path] : [];
  });
}

interface FieldResolver {
  key: string;
  readsCaller: boolean;
  perViewer: boolean;
}

/** Every `@ResolveField` method of a resolver file: its decorators and its parameters, as written. */
function fieldResolvers(path: string): FieldResolver[] {
  const source = readFileSync(path, 'utf8');
  const file = relative(workspaceRoot, path);
  return source
    .split('@ResolveField(')
    .slice(1)
    .map((chunk) => {
      // The method follows its decorators: the first line of the class body that opens a parameter list.
      const header = /^ {2}(?:async\s+)?([A-Za-z]\w*)\(([\s\S]*?)\)\s*(?::[^{]*)?\{/m.exec(chunk);
      if (!header) throw new Error(`${file}: a @ResolveField without a method after it`);
      const decorators = chunk.slice(0, header.index);
      return { key: `${file}#${header[1]}`, readsCaller: header[2]!.includes('@CurrentCaller()'), perViewer: decorators.includes('@PerViewer()') };
    });
}

describe('per-viewer decisions of field resolvers that read the caller', () => {
  const resolvers = resolverFiles(join(workspaceRoot, 'services')).flatMap(fieldResolvers);

  it('should find the field resolvers of the subgraphs', () => {
    expect(resolvers.filter((r) => r.readsCaller).length).toBeGreaterThanOrEqual(10);
  });

  it('should mark every one @PerViewer() or say why its audience is enough', () => {
    const undecided = resolvers.filter((r) => r.readsCaller && !r.perViewer && !(r.key in AUDIENCE_ONLY)).map((r) => r.key);
    expect(undecided).toEqual([]);
  });

  it('should keep no stale entry', () => {
    const known = new Set(resolvers.filter((r) => r.readsCaller && !r.perViewer).map((r) => r.key));
    expect(Object.keys(AUDIENCE_ONLY).filter((key) => !known.has(key))).toEqual([]);
  });
});
