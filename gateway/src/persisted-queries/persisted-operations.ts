import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** One operation of libs/client as the client sends it, from libs/client/persisted-operations.json. */
export interface PersistedOperation {
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  /** Hex SHA-256 of `document`: what APQ's `extensions.persistedQuery.sha256Hash` carries. */
  sha256: string;
  /** The exact text libs/client's PdnClient sends (graphql-js `print` of the generated document). */
  document: string;
}

const Manifest = z.object({
  $comment: z.string().optional(),
  operations: z.record(
    z.string(),
    z.object({
      type: z.enum(['query', 'mutation', 'subscription']),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      document: z.string().min(1),
    }),
  ),
});

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The safelist: the operations of our own client (PdnClient's, and the console's sign-in), registered at
 * build time by `npm run codegen`. A key marked `persistedOnly` (or, with SAFELIST_ONLY, every caller but
 * coordinators and admins) may run only these.
 */
export class Safelist {
  private readonly byHash: ReadonlyMap<string, PersistedOperation>;

  constructor(operations: readonly PersistedOperation[]) {
    this.byHash = new Map(operations.map((operation) => [operation.sha256, operation]));
  }

  get size(): number {
    return this.byHash.size;
  }

  /** The registered document with this hash, if any. */
  document(sha256: string): string | undefined {
    return this.byHash.get(sha256)?.document;
  }

  /** Whether this exact text is a registered operation. */
  allows(source: string, sha256 = sha256Hex(source)): boolean {
    return this.byHash.get(sha256)?.document === source;
  }
}

/**
 * Reads the manifest written by tools/codegen. A missing or malformed file stops the gateway at boot:
 * persistedOnly keys would otherwise be refused everything with no clue why.
 */
export function loadSafelist(path: string): Safelist {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the persisted operations manifest ${path} (PERSISTED_OPERATIONS_PATH): run \`npm run codegen\``, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON: run \`npm run codegen\``, { cause: error });
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) throw new Error(`${path} is not a persisted operations manifest: ${z.prettifyError(parsed.error)}`);
  const operations = Object.entries(parsed.data.operations).map(([name, operation]) => ({ name, ...operation }));
  for (const operation of operations) {
    if (sha256Hex(operation.document) !== operation.sha256) {
      throw new Error(`${path}: the sha256 of ${operation.name} does not match its document: run \`npm run codegen\``);
    }
  }
  return new Safelist(operations);
}
