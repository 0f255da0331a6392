import { normalizeForSearch } from '@pdn/database';
import { alertAcknowledgements, alerts, comments, moderationActions, postReports, posts, reactions } from '@pdn/feed/db';
import { inBatches, tableJob, type TableJob } from './bulk-insert.js';
import { DAY_MS, ID_TAGS, neighbourhood, type Network, type PlannedDepartment, type PlannedMember } from './network.js';
import { apportion, idFactory, Random } from './random.js';
import type { DatasetTargets } from './scale.js';
import {
  ALERT_CATEGORY_WEIGHTS,
  ALERT_TEXTS,
  COMMENT_TEXTS,
  POST_KIND_WEIGHTS,
  POST_SENTENCES,
  POST_TITLES,
  REACTION_WEIGHTS,
  REPORT_REASONS,
  REPUBLICATION_COMMENTS,
  RESOLUTION_NOTES,
  THEME_WORDS,
  THEMES,
  type AlertCategoryName,
  type ThemeName,
} from './vocabulary.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Posts span the last two years, alerts the last one. */
const POSTS_DAYS = 730;
const ALERTS_DAYS = 365;
const REPUBLICATION_SHARE = 0.12;
const HIDDEN_SHARE = 0.002;
const REPORTED_SHARE = 0.005;
const MAX_COMMENTS_PER_POST = 40;
const MAX_REACTIONS_PER_POST = 60;

/**
 * The posts as the other tables need them, before any text is made: who wrote each one, when,
 * whether it relays an earlier post or was hidden. Post `i` is the i-th published, so an original
 * always precedes its republications and comments follow their post.
 */
interface PostSkeleton {
  ids: string[];
  authors: PlannedMember[];
  publishedAt: Float64Array;
  /** Index of the original for a republication, -1 otherwise. */
  republishedFrom: Int32Array;
  hidden: Uint8Array;
}

interface PlannedAlert {
  id: string;
  index: number;
  department: PlannedDepartment;
  departments: PlannedDepartment[];
  raisedBy: PlannedMember;
  raisedAt: Date;
  acknowledgements: number;
}

/** The feed subgraph's rows: posts with their comments, reactions, reports and moderation; alerts and acknowledgements. */
export function feedJobs(seed: number, network: Network, targets: DatasetTargets): TableJob[] {
  const authors = network.departments.flatMap((department) => department.activeMembers);
  const skeleton = planPosts(seed, network, authors, targets.posts);
  const postCount = skeleton.ids.length;
  const weights = Array.from({ length: postCount }, (_, i) => (skeleton.hidden[i] ? 0 : skeleton.republishedFrom[i]! >= 0 ? 0.2 : 1));
  const popularity = Random.derived(seed, 'popularity');
  const engagement = weights.map((weight) => weight * popularity.between(0.2, 1.8));
  const commentCounts = apportion(targets.comments, engagement, engagement.map(() => MAX_COMMENTS_PER_POST));
  const reactionCounts = apportion(targets.reactions, engagement, engagement.map(() => Math.min(MAX_REACTIONS_PER_POST, authors.length - 1)));
  const reported = pickPosts(seed, 'reported', skeleton, REPORTED_SHARE);
  const hiddenPosts = skeleton.ids.map((_, i) => i).filter((i) => skeleton.hidden[i]);
  const plannedAlerts = planAlerts(seed, network, targets.alerts);

  return [
    tableJob(posts, postCount, () => inBatches(postRows(seed, skeleton), 2_000)),
    tableJob(comments, sum(commentCounts), () => inBatches(commentRows(seed, network, skeleton, authors, commentCounts))),
    tableJob(reactions, sum(reactionCounts), () => inBatches(reactionRows(seed, network, skeleton, authors, reactionCounts))),
    tableJob(postReports, reported.length, () => inBatches(reportRows(seed, network, skeleton, authors, reported))),
    tableJob(moderationActions, hiddenPosts.length, () => inBatches(moderationRows(seed, network, skeleton, hiddenPosts))),
    tableJob(alerts, plannedAlerts.length, () => inBatches(alertRows(seed, network, plannedAlerts))),
    tableJob(alertAcknowledgements, plannedAlerts.reduce((total, alert) => total + alert.acknowledgements, 0), () =>
      inBatches(acknowledgementRows(seed, network, plannedAlerts)),
    ),
  ];
}

function planPosts(seed: number, network: Network, authors: PlannedMember[], count: number): PostSkeleton {
  const random = Random.derived(seed, 'posts');
  const id = idFactory(seed, ID_TAGS.post);
  // Some members write a lot, most a little: posts per author first, then shuffled into time order.
  const perAuthor = apportion(count, authors.map(() => random.between(0.2, 2)));
  const byTime = random.sample(perAuthor.flatMap((n, a) => Array<number>(n).fill(a)), count);
  const start = network.referenceDate.getTime() - POSTS_DAYS * DAY_MS;
  const skeleton: PostSkeleton = {
    ids: Array.from({ length: count }, (_, i) => id(i)),
    authors: byTime.map((a) => authors[a]!),
    publishedAt: new Float64Array(count),
    republishedFrom: new Int32Array(count).fill(-1),
    hidden: new Uint8Array(count),
  };
  // One republication per member and original, never of one's own post nor of a hidden one.
  const relayed = new Set<string>();
  for (let i = 0; i < count; i++) {
    skeleton.publishedAt[i] = Math.floor(start + ((i + random.next()) / count) * POSTS_DAYS * DAY_MS);
    if (i > 20 && random.chance(REPUBLICATION_SHARE)) {
      for (let attempt = 0; attempt < 5; attempt++) {
        // Recent posts are relayed more than old ones.
        const j = i - 1 - Math.floor(random.next() ** 3 * i);
        const key = `${skeleton.authors[i]!.index}:${j}`;
        if (skeleton.republishedFrom[j]! >= 0 || skeleton.hidden[j] || skeleton.authors[j] === skeleton.authors[i] || relayed.has(key)) continue;
        relayed.add(key);
        skeleton.republishedFrom[i] = j;
        break;
      }
    }
    if (skeleton.republishedFrom[i] === -1 && random.chance(HIDDEN_SHARE)) skeleton.hidden[i] = 1;
  }
  return skeleton;
}

const NETWORK_LABELS: Readonly<Record<string, string>> = {
  INSTAGRAM: 'Instagram', SNAPCHAT: 'Snapchat', TIKTOK: 'TikTok', DISCORD: 'Discord', FACEBOOK: 'Facebook',
  WHATSAPP: 'WhatsApp', YOUTUBE: 'YouTube', TWITCH: 'Twitch', X: 'X',
};

/** An original post's content: a function of its index alone, so a republication can copy it. */
function postContent(seed: number, index: number, author: PlannedMember) {
  const random = Random.derived(seed, 'post', index);
  const kind = random.weighted(POST_KIND_WEIGHTS);
  const themes = random.sample([...author.themes, ...random.sample(THEMES, 1)], random.int(1, 3)).filter((t, i, all) => all.indexOf(t) === i);
  const fill = (template: string) =>
    template
      .replaceAll('{t}', THEME_WORDS[themes[0]!])
      .replaceAll('{c}', author.department.prefecture)
      .replaceAll('{n}', NETWORK_LABELS[random.pick(author.networks)]!);
  const title = fill(random.pick(POST_TITLES[kind]));
  const paragraphs = random.sample(POST_SENTENCES, random.int(2, 5)).map(fill);
  const body = random.chance(0.3)
    ? `${paragraphs[0]}\n\n${paragraphs.slice(1).map((p) => `- ${p}`).join('\n')}`
    : paragraphs.join('\n\n');
  const links = random.chance(0.3)
    ? [{ url: `https://ressources.bench.pdn.test/${themes[0]!.toLowerCase()}/${index}`, title: `Ressource : ${THEME_WORDS[themes[0]!]}` }]
    : [];
  return { kind, title, body, themes: themes as ThemeName[], links, audience: random.chance(0.6) ? 'PUBLIC' : 'NETWORK' };
}

function* postRows(seed: number, skeleton: PostSkeleton): Iterable<typeof posts.$inferInsert> {
  const random = Random.derived(seed, 'post-rows');
  for (let i = 0; i < skeleton.ids.length; i++) {
    const author = skeleton.authors[i]!;
    const original = skeleton.republishedFrom[i]!;
    // A republication copies its original's kind, title, links, themes and audience; its body is the
    // relaying member's comment (possibly empty), as the feed's `republish` does.
    const content = original >= 0 ? postContent(seed, original, skeleton.authors[original]!) : postContent(seed, i, author);
    const body = original >= 0 ? random.pick(REPUBLICATION_COMMENTS) : content.body;
    const publishedAt = new Date(skeleton.publishedAt[i]!);
    yield {
      id: skeleton.ids[i]!,
      kind: content.kind,
      title: content.title,
      body,
      searchText: normalizeForSearch(`${content.title} ${body}`),
      links: content.links,
      themes: content.themes,
      audience: content.audience,
      department: author.department.code,
      authorId: author.id,
      structureId: author.structure?.id ?? null,
      republishedFromId: original >= 0 ? skeleton.ids[original]! : null,
      status: skeleton.hidden[i] ? 'HIDDEN' : 'PUBLISHED',
      publishedAt,
      updatedAt: publishedAt,
    };
  }
}

/** Some time after the post, never after the reference date. */
function after(network: Network, at: number, random: Random, maxMs: number): Date {
  return new Date(Math.max(at + 1, Math.min(network.referenceDate.getTime() - MINUTE_MS, at + random.int(10 * MINUTE_MS, maxMs))));
}

function* commentRows(seed: number, network: Network, skeleton: PostSkeleton, authors: PlannedMember[], counts: number[]): Iterable<typeof comments.$inferInsert> {
  const random = Random.derived(seed, 'comment-rows');
  const id = idFactory(seed, ID_TAGS.comment);
  let index = 0;
  for (let i = 0; i < counts.length; i++) {
    const times = Array.from({ length: counts[i]! }, () => after(network, skeleton.publishedAt[i]!, random, 7 * DAY_MS).getTime()).sort((a, b) => a - b);
    for (const at of times) {
      yield { id: id(index++), postId: skeleton.ids[i]!, authorId: random.pick(authors).id, body: random.pick(COMMENT_TEXTS), createdAt: new Date(at) };
    }
  }
}

function* reactionRows(seed: number, network: Network, skeleton: PostSkeleton, authors: PlannedMember[], counts: number[]): Iterable<typeof reactions.$inferInsert> {
  const random = Random.derived(seed, 'reaction-rows');
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    // Members other than the author, each reacting once (the key allows one row per reaction kind).
    const author = skeleton.authors[i]!;
    for (const member of distinct(random, authors, counts[i]!, (m) => m === author)) {
      yield {
        postId: skeleton.ids[i]!,
        memberId: member.id,
        reaction: random.weighted(REACTION_WEIGHTS),
        createdAt: after(network, skeleton.publishedAt[i]!, random, 3 * DAY_MS),
      };
    }
  }
}

/** Original, published posts drawn with `share`: those a member reported. */
function pickPosts(seed: number, name: string, skeleton: PostSkeleton, share: number): number[] {
  const random = Random.derived(seed, name);
  return skeleton.ids.map((_, i) => i).filter((i) => skeleton.republishedFrom[i] === -1 && random.chance(share));
}

function* reportRows(seed: number, network: Network, skeleton: PostSkeleton, authors: PlannedMember[], reported: number[]): Iterable<typeof postReports.$inferInsert> {
  const random = Random.derived(seed, 'report-rows');
  const id = idFactory(seed, ID_TAGS.postReport);
  for (const [index, i] of reported.entries()) {
    const [reporter] = distinct(random, authors, 1, (m) => m === skeleton.authors[i]);
    yield {
      id: id(index),
      postId: skeleton.ids[i]!,
      memberId: reporter!.id,
      reason: random.pick(REPORT_REASONS),
      createdAt: after(network, skeleton.publishedAt[i]!, random, 2 * DAY_MS),
    };
  }
}

function* moderationRows(seed: number, network: Network, skeleton: PostSkeleton, hidden: number[]): Iterable<typeof moderationActions.$inferInsert> {
  const random = Random.derived(seed, 'moderation-rows');
  const id = idFactory(seed, ID_TAGS.moderationAction);
  for (const [index, i] of hidden.entries()) {
    yield {
      id: id(index),
      postId: skeleton.ids[i]!,
      action: 'HIDE',
      reason: 'Publication contraire à la charte du réseau',
      byMemberId: random.pick(skeleton.authors[i]!.department.coordinators).id,
      at: after(network, skeleton.publishedAt[i]!, random, DAY_MS),
    };
  }
}

function planAlerts(seed: number, network: Network, count: number): PlannedAlert[] {
  const random = Random.derived(seed, 'alerts');
  const id = idFactory(seed, ID_TAGS.alert);
  const start = network.referenceDate.getTime() - ALERTS_DAYS * DAY_MS;
  return Array.from({ length: count }, (_, index) => {
    const department = network.departments[index % network.departments.length]!;
    // Most alerts concern one département, some a few neighbours, a few the whole network.
    const scope = random.weighted({ local: 84, regional: 15, national: 1 });
    const departments =
      scope === 'local' ? [department] : scope === 'regional' ? neighbourhood(network, department, random.int(2, 4)) : network.departments;
    const raisedAt = new Date(Math.floor(start + ((index + random.next()) / count) * ALERTS_DAYS * DAY_MS));
    const pool = departments.reduce((total, d) => total + d.activeMembers.length, 0);
    const recent = network.referenceDate.getTime() - raisedAt.getTime() < 10 * DAY_MS;
    return {
      id: id(index),
      index,
      department,
      departments,
      raisedBy: random.pick(department.coordinators),
      raisedAt,
      acknowledgements: Math.round(pool * (recent ? random.between(0.3, 0.8) : random.between(0.6, 0.95))),
    };
  });
}

const CATEGORY_THEMES: Readonly<Record<AlertCategoryName, ThemeName[]>> = {
  VIRAL_CHALLENGE: ['DIGITAL_PRACTICES', 'HEALTH'],
  CYBERBULLYING: ['CYBERBULLYING'],
  SCAM: ['DIGITAL_PRACTICES', 'EMPLOYMENT'],
  MENTAL_HEALTH: ['HEALTH'],
  SAFEGUARDING: ['DIGITAL_PRACTICES'],
  SERVICE_DISRUPTION: [],
  OTHER: [],
};

function* alertRows(seed: number, network: Network, planned: PlannedAlert[]): Iterable<typeof alerts.$inferInsert> {
  const reference = network.referenceDate.getTime();
  for (const alert of planned) {
    const random = Random.derived(seed, 'alert', alert.index);
    const category = random.weighted(ALERT_CATEGORY_WEIGHTS);
    const [title, body] = random.pick(ALERT_TEXTS[category]);
    const severity = random.weighted({ INFO: 40, WARNING: 45, CRITICAL: 15 });
    const raisedAt = alert.raisedAt.getTime();
    const age = reference - raisedAt;
    // Recent ones are still active (some with an expiry ahead); older ones were resolved or expired.
    const outcome = age < 10 * DAY_MS && random.chance(0.7) ? 'active' : random.chance(0.65) ? 'resolved' : 'expired';
    const resolvedAt = outcome === 'resolved' ? new Date(Math.min(reference - HOUR_MS, raisedAt + random.int(HOUR_MS, 10 * DAY_MS))) : null;
    const expiresAt =
      outcome === 'expired'
        ? new Date(Math.min(reference - HOUR_MS, raisedAt + random.int(2, 14) * DAY_MS))
        : outcome === 'active' && random.chance(0.6)
          ? new Date(reference + random.int(2, 20) * DAY_MS)
          : null;
    yield {
      id: alert.id,
      severity,
      category,
      title,
      body,
      departments: alert.departments.map((d) => d.code),
      themes: CATEGORY_THEMES[category],
      raisedBy: alert.raisedBy.id,
      raisedAt: alert.raisedAt,
      expiresAt,
      resolvedAt,
      resolvedBy: resolvedAt ? random.pick(alert.department.coordinators).id : null,
      resolutionNote: resolvedAt ? random.pick(RESOLUTION_NOTES) : null,
      lastRemindedAt: severity === 'CRITICAL' && outcome === 'active' ? new Date(Math.min(reference - MINUTE_MS, raisedAt + HOUR_MS)) : null,
      version: resolvedAt ? 2 : 1,
    };
  }
}

function* acknowledgementRows(seed: number, network: Network, planned: PlannedAlert[]): Iterable<typeof alertAcknowledgements.$inferInsert> {
  for (const alert of planned) {
    const random = Random.derived(seed, 'acknowledgements', alert.index);
    const pool = alert.departments.flatMap((d) => d.activeMembers);
    for (const member of random.sample(pool, alert.acknowledgements)) {
      yield { alertId: alert.id, memberId: member.id, at: after(network, alert.raisedAt.getTime(), random, 3 * DAY_MS) };
    }
  }
}

/**
 * `count` different items of `items`, none of them `excluded`: rejection sampling, quick when
 * `count` is small next to `items` (reactions: tens among thousands of members). The caller keeps
 * `count` within what is left once the excluded are set aside.
 */
function distinct<T>(random: Random, items: readonly T[], count: number, excluded: (item: T) => boolean): T[] {
  if (count > items.length / 2) return random.sample(items.filter((item) => !excluded(item)), count);
  const chosen = new Set<T>();
  while (chosen.size < count) {
    const item = random.pick(items);
    if (!excluded(item)) chosen.add(item);
  }
  return [...chosen];
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
