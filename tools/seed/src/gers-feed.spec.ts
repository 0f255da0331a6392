import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { validate } from '@pdn/domain';
import { ACTIVE_PROMENEURS } from './gers-calendar.js';
import { FEED_MEMBERS, FEED_TARGETS, alertInput, planFeed, type PlannedPost } from './gers-feed.js';
import { SITES, STRUCTURE_WORDS } from './gers-feed-texts.js';
import { COORDINATORS, DEPARTMENT, STRUCTURES } from './gers-network.js';

/** The API's enums as the typed client knows them (libs/client/schema.graphql, composed from the subgraphs). */
const schema = parse(readFileSync(fileURLToPath(new URL('../../../libs/client/schema.graphql', import.meta.url)), 'utf8'));
function enumValues(name: string): string[] {
  const node = schema.definitions.find((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === name);
  if (!node) throw new Error(`no enum ${name} in the client schema`);
  return (node.values ?? []).map((v) => v.name.value);
}

// The feed subgraph's own detection of contact data in alerts (services/feed alert-rules.ts), repeated
// here: an e-mail address, also disguised ("name [at] domain.fr", "name arobase domain.fr"), and French
// phone numbers, grouped or not, national or international.
const EMAIL = /[\p{L}\p{N}._%+-]+(?:@|\s*[[(]\s*at\s*[\])]\s*|\s+arobase\s+)[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.[a-z]{2,}(?![\p{L}\p{N}])/iu;
const SEP = '[\\s.\\-]?';
const PHONE = new RegExp(`(?<![\\d+])(?:(?:\\+|00)${SEP}33${SEP}(?:\\(0\\)${SEP})?[1-9]|0[1-9])(?:${SEP}\\d{2}){4}(?!\\d)`, 'u');
const carriesContactData = (text: string) => EMAIL.test(text) || PHONE.test(text);

const plan = planFeed();
const posts = new Map(plan.posts.map((p) => [p.key, p]));
const members = new Map(FEED_MEMBERS.map((m) => [m.email, m]));
const activePromeneurs = new Set(ACTIVE_PROMENEURS.map((m) => m.email));
const hidden = new Set(plan.moderations.map((m) => m.post));
const post = (key: string): PlannedPost => {
  const found = posts.get(key);
  if (!found) throw new Error(`no planned post "${key}"`);
  return found;
};
const ALLOWED_URLS = new Set<string>(Object.values(SITES).map((s) => s.url));
const URL_IN_TEXT = /https?:\/\/[^\s)>\]]+/g;

describe('the demo feed plan', () => {
  it('should be the same on every run', () => {
    expect(planFeed()).toEqual(plan);
    expect(planFeed('another seed')).not.toEqual(plan);
  });

  it('should publish a few hundred posts of every kind, republications, comments and reactions', () => {
    expect(plan.posts.length).toBeGreaterThanOrEqual(250);
    expect(plan.posts.length).toBeLessThanOrEqual(300);
    const kinds = new Set(plan.posts.map((p) => p.input.kind));
    expect([...kinds].sort()).toEqual(enumValues('PostKind').sort());
    for (const kind of kinds) expect(plan.posts.filter((p) => p.input.kind === kind).length).toBeGreaterThanOrEqual(30);
    expect(plan.republications).toHaveLength(FEED_TARGETS.republications);
    expect(plan.comments).toHaveLength(FEED_TARGETS.comments);
    expect(plan.reactions).toHaveLength(FEED_TARGETS.reactions);
    expect(plan.reports).toHaveLength(3);
    expect(plan.moderations).toEqual([expect.objectContaining({ action: 'HIDE', coordinator: 'imaj' })]);
    expect(plan.moderations[0]!.reason.length).toBeGreaterThan(20);
  });

  it('should give the posts to the active promeneurs and the coordinators, spread over the whole network', () => {
    for (const p of plan.posts) expect(members.has(p.author)).toBe(true);
    const authors = new Set(plan.posts.map((p) => p.author));
    expect(authors.size).toBe(FEED_MEMBERS.length);
    for (const c of COORDINATORS) expect(authors).toContain(c.email);
    // Candidates and suspended members do not speak for the network.
    const speakers = [...plan.posts.map((p) => p.author), ...plan.republications.map((r) => r.author), ...plan.comments.map((c) => c.author)];
    for (const email of speakers) expect(activePromeneurs.has(email) || COORDINATORS.some((c) => c.email === email)).toBe(true);
  });

  it('should make about 40 % of the posts PUBLIC, and keep questions between colleagues in the network', () => {
    const share = plan.posts.filter((p) => p.input.audience === 'PUBLIC').length / plan.posts.length;
    expect(share).toBeGreaterThan(0.33);
    expect(share).toBeLessThan(0.47);
    for (const p of plan.posts.filter((x) => x.input.kind === 'QUESTION')) expect(p.input.audience).toBe('NETWORK');
  });

  it('should only send posts the API accepts, with unique titles', () => {
    const themes = enumValues('Theme');
    expect(new Set(plan.posts.map((p) => p.input.title)).size).toBe(plan.posts.length);
    for (const { input } of plan.posts) {
      expect(enumValues('PostAudience')).toContain(input.audience);
      expect(validate.text('title', input.title, { min: 3, max: 200 })).toBe(input.title);
      expect(input.body.trim()).toBe(input.body);
      expect(input.body.length).toBeGreaterThan(40);
      expect(input.body.length).toBeLessThanOrEqual(20_000);
      expect(input.themes!.length).toBeGreaterThanOrEqual(1);
      expect(input.themes!.length).toBeLessThanOrEqual(8);
      for (const theme of input.themes!) expect(themes).toContain(theme);
      expect(input.links!.length).toBeLessThanOrEqual(10);
      for (const link of input.links!) expect(() => validate.httpUrl('url', link.url)).not.toThrow();
    }
    for (const text of [...plan.comments.map((c) => c.body), ...plan.republications.map((r) => r.comment), ...plan.reports.map((r) => r.reason)]) {
      expect(text.trim().length).toBeGreaterThanOrEqual(3);
      expect(text.length).toBeLessThanOrEqual(1000);
    }
  });

  it('should link only to the public institutional sites, as plain https URLs', () => {
    let linked = 0;
    for (const { input } of plan.posts) {
      for (const link of input.links!) {
        expect(ALLOWED_URLS).toContain(link.url);
        linked++;
      }
      for (const url of input.body.match(URL_IN_TEXT) ?? []) expect(ALLOWED_URLS).toContain(url);
      // Plain URLs, no Markdown link syntax that could hide another target.
      expect(input.body).not.toMatch(/\]\(/);
    }
    for (const url of ALLOWED_URLS) expect(url).toMatch(/^https:\/\/[a-z0-9.-]+\.(fr|org|com|eu)$/);
    expect(linked).toBeGreaterThan(100);
    expect(plan.posts.some((p) => p.input.links!.some((l) => l.url === 'https://www.e-enfance.org'))).toBe(true);
    expect(plan.posts.some((p) => p.input.links!.some((l) => l.url === 'https://www.service-civique.gouv.fr'))).toBe(true);
  });

  it('should never carry an e-mail address or a phone number, in alerts above all', () => {
    // The patterns do catch contact data.
    for (const sample of ['écrire à jeune.auch@example.fr', 'jeune [at] example.fr', 'au 06 12 34 56 78', 'au +33 6 12 34 56 78', 'au 0612345678']) {
      expect(carriesContactData(sample)).toBe(true);
    }
    for (const alert of plan.alerts) {
      expect(carriesContactData(alert.input.title)).toBe(false);
      expect(carriesContactData(alert.input.body)).toBe(false);
    }
    const texts = [
      ...plan.posts.flatMap((p) => [p.input.title, p.input.body]),
      ...plan.comments.map((c) => c.body),
      ...plan.republications.map((r) => r.comment),
      ...plan.reports.map((r) => r.reason),
      ...plan.moderations.map((m) => m.reason),
      ...plan.alerts.flatMap((a) => (a.resolution ? [a.resolution.note] : [])),
    ];
    for (const text of texts) expect(carriesContactData(text)).toBe(false);
  });

  it('should publish every post once, each republication after its original', () => {
    const seen = new Set<string>();
    for (const step of plan.timeline) {
      if (step.type === 'post') {
        expect(seen.has(step.post.key)).toBe(false);
        seen.add(step.post.key);
      } else {
        expect(seen.has(step.republication.source)).toBe(true);
      }
    }
    expect(seen.size).toBe(plan.posts.length);
    expect(plan.timeline).toHaveLength(plan.posts.length + plan.republications.length);
  });

  it("should republish only another author's post, from another structure, once per member, never the hidden one", () => {
    const pairs = new Set<string>();
    for (const r of plan.republications) {
      const source = post(r.source);
      expect(r.author).not.toBe(source.author);
      expect(members.get(r.author)!.structure).not.toBe(members.get(source.author)!.structure);
      expect(source.input.kind).not.toBe('QUESTION');
      expect(hidden.has(r.source)).toBe(false);
      expect(pairs.has(`${r.author}|${r.source}`)).toBe(false);
      pairs.add(`${r.author}|${r.source}`);
      expect(r.comment.length).toBeGreaterThan(5);
    }
    // Several members relay the most useful posts.
    const counts = new Map<string, number>();
    for (const r of plan.republications) counts.set(r.source, (counts.get(r.source) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(2);
  });

  it('should comment known posts, answer every question, and keep each conversation together', () => {
    for (const c of plan.comments) expect(posts.has(c.post)).toBe(true);
    const questions = plan.posts.filter((p) => p.input.kind === 'QUESTION');
    for (const q of questions) {
      const answers = plan.comments.filter((c) => c.post === q.key);
      expect(answers.length).toBeGreaterThanOrEqual(2);
      expect(answers.some((c) => c.author !== q.author)).toBe(true);
    }
    // A post's comments come one after the other, as the seed sends them.
    const order = plan.comments.map((c) => c.post);
    const closed = new Set<string>();
    order.forEach((key, i) => {
      if (i > 0 && order[i - 1] !== key) closed.add(order[i - 1]!);
      expect(closed.has(key)).toBe(false);
    });
    // The same member does not repeat themselves under a post that is not a question.
    for (const key of new Set(order)) {
      if (post(key).input.kind === 'QUESTION') continue;
      const authors = plan.comments.filter((c) => c.post === key).map((c) => c.author);
      expect(new Set(authors).size).toBe(authors.length);
    }
  });

  it('should react at most once of each kind per member and post, never to their own post', () => {
    const triples = new Set(plan.reactions.map((r) => `${r.post}|${r.member}|${r.reaction}`));
    expect(triples.size).toBe(plan.reactions.length);
    for (const r of plan.reactions) {
      expect(members.has(r.member)).toBe(true);
      expect(r.member).not.toBe(post(r.post).author);
      expect(enumValues('Reaction')).toContain(r.reaction);
    }
    for (const reaction of enumValues('Reaction')) expect(plan.reactions.filter((r) => r.reaction === reaction).length).toBeGreaterThan(100);
  });

  it('should have the hidden post reported first, by others than its author, once each', () => {
    const [moderation] = plan.moderations;
    const target = post(moderation!.post);
    const reports = plan.reports.filter((r) => r.post === target.key);
    expect(reports).toHaveLength(2);
    expect(new Set(reports.map((r) => r.member)).size).toBe(2);
    for (const r of plan.reports) expect(r.member).not.toBe(post(r.post).author);
    expect(new Set(plan.reports.map((r) => `${r.post}|${r.member}`)).size).toBe(plan.reports.length);
    expect(plan.reactions.some((r) => r.post === target.key)).toBe(false);
  });

  it('should raise a handful of alerts: a viral challenge, a critical harassment wave, a service closed, a scam', () => {
    expect(plan.alerts.length).toBeGreaterThanOrEqual(4);
    expect(plan.alerts.length).toBeLessThanOrEqual(6);
    const has = (severity: string, category: string) => plan.alerts.some((a) => a.input.severity === severity && a.input.category === category);
    expect(has('WARNING', 'VIRAL_CHALLENGE')).toBe(true);
    expect(has('CRITICAL', 'CYBERBULLYING')).toBe(true);
    expect(has('INFO', 'SERVICE_DISRUPTION')).toBe(true);
    expect(plan.alerts.some((a) => a.input.category === 'SCAM')).toBe(true);
    expect(plan.alerts.some((a) => a.input.title.includes('TikTok'))).toBe(true);
    for (const alert of plan.alerts) {
      expect(COORDINATORS.map((c) => c.key)).toContain(alert.raisedBy);
      expect(enumValues('AlertSeverity')).toContain(alert.input.severity);
      expect(enumValues('AlertCategory')).toContain(alert.input.category);
      expect(alert.input.departments).toEqual([DEPARTMENT]);
      expect(validate.text('title', alert.input.title, { min: 3, max: 200 })).toBe(alert.input.title);
      expect(alert.input.body.length).toBeLessThanOrEqual(5000);
      expect(alert.input.themes!.length).toBeLessThanOrEqual(8);
    }
  });

  it('should have part of the promeneurs acknowledge each alert, and resolve one with a note', () => {
    for (const alert of plan.alerts) {
      expect(alert.acknowledgedBy.length).toBeGreaterThan(0);
      expect(alert.acknowledgedBy.length).toBeLessThan(ACTIVE_PROMENEURS.length);
      expect(new Set(alert.acknowledgedBy).size).toBe(alert.acknowledgedBy.length);
      for (const email of alert.acknowledgedBy) expect(activePromeneurs.has(email)).toBe(true);
    }
    const resolved = plan.alerts.filter((a) => a.resolution);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.input.category).toBe('SERVICE_DISRUPTION');
    expect(resolved[0]!.resolution!.note.length).toBeGreaterThan(10);
    // The critical one is still active, and acknowledged by most.
    const critical = plan.alerts.find((a) => a.input.severity === 'CRITICAL')!;
    expect(critical.resolution).toBeUndefined();
    expect(critical.acknowledgedBy.length).toBeGreaterThan(ACTIVE_PROMENEURS.length / 2);
  });

  it('should date alert expiries from the seed run, in the future', () => {
    const now = new Date('2026-11-26T10:00:00Z');
    for (const alert of plan.alerts) {
      const { expiresAt } = alertInput(alert, now);
      if (alert.expiresInDays) expect(new Date(expiresAt!).getTime()).toBe(now.getTime() + alert.expiresInDays * 86_400_000);
      else expect(expiresAt).toBeNull();
    }
    expect(plan.alerts.some((a) => a.expiresInDays)).toBe(true);
  });

  it('should know how to name every structure in a sentence', () => {
    for (const s of STRUCTURES) {
      const words = STRUCTURE_WORDS[s.key];
      expect(words).toBeDefined();
      expect(words!.at).toMatch(/^(au|à la|à l')/);
      expect(words!.of).toMatch(/^(du|de la|de l')/);
    }
  });
});
