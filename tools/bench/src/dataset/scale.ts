/**
 * How big the dataset is. National scale is the figure of a national deployment (100
 * départements, 4,000 members…); a factor shrinks or grows every count together, so a quick run keeps
 * the same shape (the same members per département, registrations per event, posts per author).
 */
export const NATIONAL = {
  departments: 100,
  structures: 1_000,
  members: 4_000,
  events: 2_000,
  registrations: 50_000,
  permanences: 6_000,
  presenceLogs: 200_000,
  posts: 100_000,
  comments: 50_000,
  reactions: 150_000,
  alerts: 1_000,
} as const;

export type DatasetTargets = { -readonly [K in keyof typeof NATIONAL]: number };

/** `national` = 1; `quick` = 1/20 (5 départements, 200 members, 5,000 posts): a smoke run in seconds. */
export const NAMED_SCALES = { national: 1, quick: 0.05 } as const;

export function parseScale(value: string): number {
  if (value in NAMED_SCALES) return NAMED_SCALES[value as keyof typeof NAMED_SCALES];
  const factor = Number(value);
  if (!Number.isFinite(factor) || factor <= 0 || factor > 1) {
    throw new Error(`--scale: expected national, quick or a factor in (0, 1], got ${JSON.stringify(value)}`);
  }
  return factor;
}

/**
 * The counts of the headline tables at `scale`. At least one département, and a few members and
 * structures in each, so that every kind of row can still be made.
 */
export function targetsFor(scale: number): DatasetTargets {
  const departments = Math.min(NATIONAL.departments, Math.max(1, Math.round(NATIONAL.departments * scale)));
  const of = (national: number, atLeast = 0) => Math.max(atLeast, Math.round(national * scale));
  return {
    departments,
    structures: of(NATIONAL.structures, 2 * departments),
    members: of(NATIONAL.members, 8 * departments),
    events: of(NATIONAL.events, departments),
    registrations: of(NATIONAL.registrations),
    permanences: of(NATIONAL.permanences),
    presenceLogs: of(NATIONAL.presenceLogs),
    posts: of(NATIONAL.posts),
    comments: of(NATIONAL.comments),
    reactions: of(NATIONAL.reactions),
    alerts: of(NATIONAL.alerts),
  };
}
