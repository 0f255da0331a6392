import { validate } from '@pdn/domain';
import { badInput } from '@pdn/errors';
import { EventKind } from '../events/event.enums.js';

/** What the public feed may be narrowed to; an empty list means "all". */
export interface FeedFilter {
  departments: string[];
  kinds: EventKind[];
}

const PARAMETERS = ['department', 'kind'] as const;
const KINDS = Object.values(EventKind);

/** `?kind=A&kind=B`, `?kind=A,B` and `?kind=A, B` all mean the same; empty items mean nothing. */
function listOf(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((v) => (typeof v === 'string' ? v.split(',') : [])).map((v) => v.trim()).filter(Boolean);
}

/**
 * The public feed's query parameters, checked: an unknown parameter is refused rather than ignored,
 * since `?departement=32` silently answering every département would look like a working filter.
 */
export function parseFeedFilter(query: Record<string, unknown>): FeedFilter {
  for (const name of Object.keys(query)) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      throw badInput(name, `Unknown parameter "${name}": the feed takes ${PARAMETERS.join(' and ')}.`);
    }
  }
  const departments = listOf(query['department']).map((code) => validate.departmentCode('department', code));
  const kinds = listOf(query['kind']).map((value) => {
    const kind = value.toUpperCase();
    if (!(KINDS as string[]).includes(kind)) throw badInput('kind', `"${value}" is not an event kind (${KINDS.join(', ')}).`);
    return kind as EventKind;
  });
  return { departments: [...new Set(departments)], kinds: [...new Set(kinds)] };
}
