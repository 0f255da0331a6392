import { badInput } from '@pdn/errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `first` as the contract defines it: 20 when absent, at most 100, never negative. */
export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0) throw badInput(field, '`first` must be a whole number, 0 or more.');
  if (first > MAX_PAGE_SIZE) throw badInput(field, `\`first\` is capped at ${MAX_PAGE_SIZE}.`);
  return first;
}

export type CursorValue = string | number | boolean | null;

/**
 * Cursors are opaque to clients: the keyset values of the row they point at (its sort key and id),
 * tagged with the ordering they belong to, so a cursor from one ordering is refused by another.
 */
export function encodeCursor(ordering: string, values: CursorValue[]): string {
  return Buffer.from(JSON.stringify([ordering, ...values])).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, ordering: string, arity: number, field = 'after'): CursorValue[] | null {
  if (cursor === null || cursor === undefined || cursor === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(field, 'This cursor is not valid.');
  }
  if (!Array.isArray(parsed) || parsed[0] !== ordering || parsed.length !== arity + 1) {
    throw badInput(field, 'This cursor is not valid for this list.');
  }
  const values = parsed.slice(1) as unknown[];
  if (!values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
    throw badInput(field, 'This cursor is not valid.');
  }
  return values as CursorValue[];
}
