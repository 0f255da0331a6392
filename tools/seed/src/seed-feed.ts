import {
  SeedAcknowledgeAlertDocument,
  SeedAlertCountDocument,
  SeedCommentPostDocument,
  SeedFeedCountDocument,
  SeedFeedSummaryDocument,
  SeedModeratePostDocument,
  SeedPublishPostDocument,
  SeedRaiseAlertDocument,
  SeedReactToPostDocument,
  SeedReportPostDocument,
  SeedRepublishDocument,
  SeedResolveAlertDocument,
  type AlertSeverity,
  type PdnClient,
  type Reaction,
} from '@pdn/client';
import { DEMO_PASSWORD } from './demo-logins.js';
import { FEED_MEMBERS, alertInput, planFeed, type FeedPlan, type PlannedComment } from './gers-feed.js';
import { COORDINATORS, DEPARTMENT, type SeedCoordinator } from './gers-network.js';
import { expectData, mapLimit, signIn, type SignedIn } from './seed-steps.js';

export interface FeedSeedOptions {
  /** A client for the gateway, without credentials: everyone signs in with the demo password. */
  anonymous: PdnClient;
  /** The instant alert expiries are counted from. */
  now: Date;
  /** Calls in flight at once (default 8). */
  concurrency?: number;
  /** The plan to seed (default: planFeed()). */
  plan?: FeedPlan;
  log?: (line: string) => void;
}

export interface FeedReport {
  posts: {
    /** Posts the département already had: when some, the seed adds none (running it twice duplicates nothing). */
    alreadyThere: number;
    published: number;
    public: number;
    republications: number;
    comments: number;
    reactions: Partial<Record<Reaction, number>>;
    reports: number;
    hidden: number;
  };
  alerts: {
    alreadyThere: number;
    raised: number;
    bySeverity: Partial<Record<AlertSeverity, number>>;
    acknowledgements: number;
    resolved: number;
  };
  /** Read back once seeded: the département's posts as a coordinator sees them (hidden included), and as anyone does. */
  feedTotal: number;
  publicTotal: number;
  durationMs: number;
}

/**
 * Seeds the information feed and the network alerts through the gateway, as the network lives it:
 * each member signs in and publishes, republishes, comments, reacts, reports; a coordinator hides
 * the reported post; the coordinators raise alerts, the promeneurs acknowledge them, one is resolved.
 * Publications follow the plan's order (the API dates them), a republication only once its original
 * exists, a post's comments one after the other. A département that already has posts gets no more
 * posts, one that already has alerts no more alerts: seed --force duplicates nothing.
 */
export async function seedFeed(options: FeedSeedOptions): Promise<FeedReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const limit = options.concurrency ?? 8;
  const plan = options.plan ?? planFeed();
  const report: FeedReport = {
    posts: { alreadyThere: 0, published: 0, public: 0, republications: 0, comments: 0, reactions: {}, reports: 0, hidden: 0 },
    alerts: { alreadyThere: 0, raised: 0, bySeverity: {}, acknowledgements: 0, resolved: 0 },
    feedTotal: 0,
    publicTotal: 0,
    durationMs: 0,
  };

  // ---------------------------------------------------------------- everyone who speaks signs in
  const sessions = new Map<string, SignedIn>();
  await mapLimit(FEED_MEMBERS, limit, async (member) => {
    sessions.set(member.email, await signIn(options.anonymous, member.email, DEMO_PASSWORD, `${member.firstName} ${member.lastName}`));
  });
  const session = (email: string): PdnClient => {
    const found = sessions.get(email);
    if (!found) throw new Error(`seed: ${email} has not signed in`);
    return found.client;
  };
  const coordinator = (key: SeedCoordinator['key']): PdnClient => session(COORDINATORS.find((c) => c.key === key)!.email);
  const caf = coordinator('caf');
  const filter = { department: DEPARTMENT };

  // ---------------------------------------------------------------- what is already there
  const [{ feed: existingPosts }, { alerts: existingAlerts }] = await Promise.all([
    expectData('counting the posts already in the feed', caf.request(SeedFeedCountDocument, { filter })),
    expectData('counting the alerts already raised', caf.request(SeedAlertCountDocument, { filter })),
  ]);
  report.posts.alreadyThere = existingPosts.totalCount;
  report.alerts.alreadyThere = existingAlerts.totalCount;

  if (report.posts.alreadyThere === 0) await seedPosts(plan, session, coordinator, limit, report);
  if (report.alerts.alreadyThere === 0) await seedAlerts(plan, session, coordinator, options.now, limit, report);

  // ---------------------------------------------------------------- read back
  const [summary, anonymous] = await Promise.all([
    expectData('reading back the feed and the alerts', caf.request(SeedFeedSummaryDocument, { department: DEPARTMENT })),
    expectData('reading back the public feed', options.anonymous.request(SeedFeedCountDocument, { filter })),
  ]);
  report.feedTotal = summary.feed.totalCount;
  report.publicTotal = anonymous.feed.totalCount;

  log(`feed: ${describePosts(report)}`);
  log(`alerts: ${describeAlerts(report)}`);
  report.durationMs = Date.now() - started;
  log(`feed seeded in ${(report.durationMs / 1000).toFixed(1)} s`);
  return report;
}

type Session = (email: string) => PdnClient;
type Coordinator = (key: SeedCoordinator['key']) => PdnClient;

async function seedPosts(plan: FeedPlan, session: Session, coordinator: Coordinator, limit: number, report: FeedReport): Promise<void> {
  // Each post's id once published: a republication waits for its original (handed out earlier, so already under way).
  const ids = new Map(plan.posts.map((post) => [post.key, deferred<string>()]));
  const idOf = (key: string): Promise<string> => {
    const found = ids.get(key);
    if (!found) throw new Error(`seed: the feed plan refers to an unknown post "${key}"`);
    return found.promise;
  };

  await mapLimit(plan.timeline, limit, async (step) => {
    if (step.type === 'post') {
      const { post } = step;
      const id = ids.get(post.key)!;
      try {
        const { publishPost } = await expectData(
          `publishing "${post.input.title}" as ${post.author}`,
          session(post.author).request(SeedPublishPostDocument, { input: post.input }),
        );
        id.resolve(publishPost.id);
      } catch (error) {
        id.reject(error);
        throw error;
      }
      report.posts.published++;
      if (post.input.audience === 'PUBLIC') report.posts.public++;
      return;
    }
    const { republication } = step;
    await expectData(
      `republishing "${republication.source}" as ${republication.author}`,
      session(republication.author).request(SeedRepublishDocument, { postId: await idOf(republication.source), comment: republication.comment }),
    );
    report.posts.republications++;
  });

  // A conversation reads in order: one post's comments one after the other, posts side by side.
  const conversations = new Map<string, PlannedComment[]>();
  for (const comment of plan.comments) conversations.set(comment.post, [...(conversations.get(comment.post) ?? []), comment]);
  await mapLimit([...conversations.entries()], limit, async ([key, comments]) => {
    const postId = await idOf(key);
    for (const comment of comments) {
      await expectData(`commenting "${key}" as ${comment.author}`, session(comment.author).request(SeedCommentPostDocument, { postId, body: comment.body }));
      report.posts.comments++;
    }
  });

  await mapLimit(plan.reactions, limit, async (reaction) => {
    await expectData(
      `reacting ${reaction.reaction} to "${reaction.post}" as ${reaction.member}`,
      session(reaction.member).request(SeedReactToPostDocument, { postId: await idOf(reaction.post), reaction: reaction.reaction }),
    );
    report.posts.reactions[reaction.reaction] = (report.posts.reactions[reaction.reaction] ?? 0) + 1;
  });

  for (const planned of plan.reports) {
    await expectData(
      `reporting "${planned.post}" as ${planned.member}`,
      session(planned.member).request(SeedReportPostDocument, { postId: await idOf(planned.post), reason: planned.reason }),
    );
    report.posts.reports++;
  }
  for (const moderation of plan.moderations) {
    const { moderatePost } = await expectData(
      `hiding "${moderation.post}" as the ${moderation.coordinator} coordinator`,
      coordinator(moderation.coordinator).request(SeedModeratePostDocument, { postId: await idOf(moderation.post), action: moderation.action, reason: moderation.reason }),
    );
    if (moderatePost.status === 'HIDDEN') report.posts.hidden++;
  }
}

async function seedAlerts(plan: FeedPlan, session: Session, coordinator: Coordinator, now: Date, limit: number, report: FeedReport): Promise<void> {
  // Raised one after the other, oldest first: `alertRaised(since)` replays them in this order.
  const ids: string[] = [];
  for (const alert of plan.alerts) {
    const { raiseAlert } = await expectData(
      `raising the alert "${alert.input.title}"`,
      coordinator(alert.raisedBy).request(SeedRaiseAlertDocument, { input: alertInput(alert, now) }),
    );
    ids.push(raiseAlert.id);
    report.alerts.raised++;
    report.alerts.bySeverity[alert.input.severity] = (report.alerts.bySeverity[alert.input.severity] ?? 0) + 1;
  }
  const acknowledgements = plan.alerts.flatMap((alert, i) => alert.acknowledgedBy.map((email) => ({ id: ids[i]!, email, title: alert.input.title })));
  await mapLimit(acknowledgements, limit, async ({ id, email, title }) => {
    await expectData(`acknowledging "${title}" as ${email}`, session(email).request(SeedAcknowledgeAlertDocument, { id }));
    report.alerts.acknowledgements++;
  });
  for (const [i, alert] of plan.alerts.entries()) {
    if (!alert.resolution) continue;
    await expectData(
      `resolving the alert "${alert.input.title}"`,
      coordinator(alert.resolution.by).request(SeedResolveAlertDocument, { id: ids[i]!, note: alert.resolution.note }),
    );
    report.alerts.resolved++;
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A failed publication is reported by its own step; those waiting on it fail with it, nobody else.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

const REACTION_ORDER: Reaction[] = ['USEFUL', 'THANKS', 'SUPPORT'];
const SEVERITY_ORDER: AlertSeverity[] = ['CRITICAL', 'WARNING', 'INFO'];

export function describePosts(report: FeedReport): string {
  const { posts } = report;
  const read = `the feed lists ${report.feedTotal} posts to coordinators, ${report.publicTotal} to anonymous callers`;
  if (posts.alreadyThere > 0) return `the département already had ${posts.alreadyThere} posts: none added; ${read}`;
  const reactionTotal = Object.values(posts.reactions).reduce((a, b) => a + b, 0);
  const reactions = REACTION_ORDER.filter((r) => posts.reactions[r]).map((r) => `${posts.reactions[r]} ${r.toLowerCase()}`).join(', ');
  return (
    `${posts.published} posts (${posts.public} public) and ${posts.republications} republications, ${posts.comments} comments, ` +
    `${reactionTotal} reactions (${reactions}), ${posts.reports} reports, ${posts.hidden} hidden by moderation; ${read}`
  );
}

export function describeAlerts(report: FeedReport): string {
  const { alerts } = report;
  if (alerts.alreadyThere > 0) return `the département already had ${alerts.alreadyThere} alerts: none raised`;
  const severities = SEVERITY_ORDER.filter((s) => alerts.bySeverity[s]).map((s) => `${alerts.bySeverity[s]} ${s.toLowerCase()}`).join(', ');
  return `${alerts.raised} raised (${severities}), ${alerts.acknowledgements} acknowledgements, ${alerts.resolved} resolved`;
}
