import { normalizeForSearch } from '@pdn/database';

/** The derived columns that make a member findable and sortable; recomputed on every write of a name. */
export function memberSearchColumns(m: { firstName: string; lastName: string; displayName: string; jobTitle?: string | null }) {
  return {
    searchText: normalizeForSearch([m.firstName, m.lastName, m.displayName, m.jobTitle ?? ''].join(' ')),
    sortKey: normalizeForSearch(`${m.lastName} ${m.firstName}`),
  };
}

/** "Isabelle · BIJ d'Auch": the public form of a name when the member has not chosen one. */
export function defaultDisplayName(firstName: string, structureName?: string | null): string {
  return structureName ? `${firstName} · ${structureName}` : firstName;
}
