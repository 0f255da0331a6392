import { normalizeForSearch } from '@pdn/database';
import { validate } from '@pdn/domain';
import { badInput } from '@pdn/errors';
import { coordinates, isAdmin, isCoordinator, isNetworkMember, type Caller } from '@pdn/identity';
import { partnerDepartments, partnerMaySee } from '@pdn/subgraph';
import type { PostRow, StoredLink } from '../db/feed.tables.js';
import type { FeedFilter, PublishPostInput } from './post.input.js';

export const MAX_TITLE = 200;
export const MAX_BODY = 20_000;
export const MAX_LINKS = 10;
export const MAX_THEMES = 8;
export const MAX_COMMENT = 5000;

/**
 * What a caller may see of the feed, as the SQL of a list and the checks of a single post share it:
 * NETWORK posts need a network member; HIDDEN posts only show to their author and the coordinators
 * of their département; a partner application sees the posts of its key's départements only.
 */
export interface Viewer {
  network: boolean;
  memberId: string | null;
  /** Where hidden posts are shown: the départements the caller coordinates, 'ALL' for admins. */
  moderates: string[] | 'ALL';
  /** A partner's départements; null: any. */
  departments: string[] | null;
}

export function viewerOf(caller: Caller): Viewer {
  return {
    network: isNetworkMember(caller),
    memberId: caller.kind === 'member' ? caller.memberId : null,
    moderates: isAdmin(caller) ? 'ALL' : isCoordinator(caller) ? caller.departments : [],
    departments: partnerDepartments(caller),
  };
}

/** A stable text for the viewer, so loads made for the same viewer share one batch. */
export function viewerKey(viewer: Viewer): string {
  return JSON.stringify([viewer.network, viewer.memberId, viewer.moderates, viewer.departments]);
}

export function canSeePost(caller: Caller, post: Pick<PostRow, 'audience' | 'status' | 'authorId' | 'department'>): boolean {
  if (!partnerMaySee(caller, post.department)) return false;
  if (post.audience !== 'PUBLIC' && !isNetworkMember(caller)) return false;
  return post.status === 'PUBLISHED' || isAuthor(caller, post) || coordinates(caller, post.department);
}

export function isAuthor(caller: Caller, post: Pick<PostRow, 'authorId'>): boolean {
  return caller.kind === 'member' && caller.memberId === post.authorId;
}

export interface PostFields {
  kind: string;
  title: string;
  body: string;
  audience: string;
  links: StoredLink[];
  themes: string[];
}

/** Checks and normalises a new post, naming the input path of the first offending field. */
export function validPostFields(input: PublishPostInput): PostFields {
  const title = validate.text('input.title', input.title, { min: 3, max: MAX_TITLE });
  // Markdown: line breaks and indentation mean something, so only the ends are trimmed.
  const body = input.body.trim();
  if (body.length === 0) throw badInput('input.body', 'This cannot be empty.');
  if (body.length > MAX_BODY) throw badInput('input.body', `At most ${MAX_BODY.toLocaleString('en')} characters.`);
  const links = input.links ?? [];
  if (links.length > MAX_LINKS) throw badInput('input.links', `At most ${MAX_LINKS} links.`);
  const themes = [...new Set(input.themes ?? [])];
  if (themes.length > MAX_THEMES) throw badInput('input.themes', `At most ${MAX_THEMES} themes.`);
  return {
    kind: input.kind,
    title,
    body,
    audience: input.audience,
    links: links.map((link, i) => ({
      url: validate.httpUrl(`input.links.${i}.url`, link.url),
      title: validate.optionalText(`input.links.${i}.title`, link.title, MAX_TITLE),
    })),
    themes,
  };
}

export function searchTextOf(title: string, body: string): string {
  return normalizeForSearch(`${title} ${body}`);
}

/** The filter as the repository applies it: checked, with the search folded like the stored text. */
export interface FeedQuery {
  search: string | null;
  kinds: string[] | null;
  themes: string[] | null;
  authorId: string | null;
  structureId: string | null;
  department: string | null;
}

export function feedQuery(filter: FeedFilter | null | undefined, path = 'filter'): FeedQuery {
  const search = filter?.search ? normalizeForSearch(filter.search) : '';
  if (search.length > 200) throw badInput(`${path}.search`, 'At most 200 characters.');
  return {
    search: search || null,
    kinds: filter?.kinds?.length ? filter.kinds : null,
    themes: filter?.themes?.length ? filter.themes : null,
    authorId: filter?.authorId ? uuid(`${path}.authorId`, filter.authorId) : null,
    structureId: filter?.structureId ? uuid(`${path}.structureId`, filter.structureId) : null,
    department: filter?.department ? validate.departmentCode(`${path}.department`, filter.department) : null,
  };
}

function uuid(field: string, value: string): string {
  if (!validate.isUuid(value)) throw badInput(field, `"${value}" is not an id.`);
  return value;
}

/** The filter's conditions but the search, on a post in hand (a live event). */
export function matchesFeedQuery(post: PostRow, query: FeedQuery): boolean {
  return (
    (!query.kinds || query.kinds.includes(post.kind)) &&
    (!query.themes || query.themes.some((theme) => post.themes.includes(theme))) &&
    (!query.authorId || query.authorId === post.authorId) &&
    (!query.structureId || query.structureId === post.structureId) &&
    (!query.department || query.department === post.department)
  );
}
