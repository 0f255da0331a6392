import type { AlertCategory, AlertSeverity, PostAudience, PostKind, PublishPostInput, RaiseAlertInput, Reaction, Theme } from '@pdn/client';
import { ACTIVE_PROMENEURS, planPermanences } from './gers-calendar.js';
import {
  COMMENTS,
  COMMERCIAL_COMMENTS,
  COMMERCIAL_POST,
  HIDE_REASON,
  INITIATIVES,
  NETWORK_NAMES,
  NETWORK_NEWS,
  OPPORTUNITIES,
  QUESTIONS,
  QUESTION_THANKS,
  REPORT_REASONS,
  REPUBLICATION_COMMENTS,
  RESOURCES,
  STRUCTURE_NEWS,
  STRUCTURE_WORDS,
  WEEKDAYS,
  hour,
  type Answer,
  type FixedPost,
  type PostFamily,
  type Site,
} from './gers-feed-texts.js';
import { COORDINATORS, DEPARTMENT, GERS_COMMUNES, STRUCTURES, structureByKey, type SeedCoordinator, type SeedMember } from './gers-network.js';
import { Prng } from './prng.js';

/**
 * The demo network's information feed and alerts: a few hundred posts by the active promeneurs and
 * the coordinators (news, resources, initiatives, opportunities, questions between colleagues), the
 * republications, comments and reactions they draw, a post reported and hidden by a coordinator, and
 * a handful of network alerts, some acknowledged, one resolved.
 *
 * Planned by a pure function with a seeded generator: every demo gets the same feed, and the specs
 * check it without a server. The API dates posts at publication, so the plan only fixes their order:
 * the seed publishes them in it, oldest first.
 */

// ------------------------------------------------------------------------------------- who

/** Who speaks in the feed: the coordinators and the active promeneurs (candidates read, they do not publish). */
export const FEED_MEMBERS: SeedMember[] = [...COORDINATORS, ...ACTIVE_PROMENEURS];

/** How many of each the plan makes: structure posts by kind, republications, comments, reactions. */
export const FEED_TARGETS = {
  structurePosts: { INITIATIVE: 80, OPPORTUNITY: 44, NEWS: 34 } as Record<'INITIATIVE' | 'OPPORTUNITY' | 'NEWS', number>,
  republications: 60,
  comments: 300,
  reactions: 600,
};

// ------------------------------------------------------------------------------------- the plan

export interface PlannedPost {
  /** Stable key the rest of the plan refers to; never sent to the API. */
  key: string;
  /** The author's e-mail address (a FEED_MEMBERS member). */
  author: string;
  input: PublishPostInput;
}

export interface PlannedRepublication {
  key: string;
  author: string;
  /** The original's key. */
  source: string;
  comment: string;
}

/** One publication, in the order the seed makes them (the feed's order, oldest first). */
export type FeedStep = { type: 'post'; post: PlannedPost } | { type: 'republication'; republication: PlannedRepublication };

export interface PlannedComment {
  post: string;
  author: string;
  body: string;
}

export interface PlannedReaction {
  post: string;
  member: string;
  reaction: Reaction;
}

export interface PlannedReport {
  post: string;
  member: string;
  reason: string;
}

export interface PlannedModeration {
  post: string;
  coordinator: SeedCoordinator['key'];
  action: 'HIDE';
  reason: string;
}

export interface PlannedAlert {
  key: string;
  raisedBy: SeedCoordinator['key'];
  /** What the coordinator raises, but the expiry (see `expiresInDays`). */
  input: Omit<RaiseAlertInput, 'expiresAt'>;
  /** Expires this many days after the seed runs; never when absent. */
  expiresInDays?: number;
  /** Active promeneurs' e-mail addresses. */
  acknowledgedBy: string[];
  /** Resolved by a coordinator after the acknowledgements. */
  resolution?: { by: SeedCoordinator['key']; note: string };
}

export interface FeedPlan {
  timeline: FeedStep[];
  /** The originals, in timeline order. */
  posts: PlannedPost[];
  republications: PlannedRepublication[];
  /** Grouped by post, each post's comments in conversation order. */
  comments: PlannedComment[];
  reactions: PlannedReaction[];
  reports: PlannedReport[];
  moderations: PlannedModeration[];
  alerts: PlannedAlert[];
}

/** Share of PUBLIC posts by kind of post; questions between colleagues stay in the network. */
const PUBLIC_SHARE: Record<PostKind, number> = { NEWS: 0.4, RESOURCE: 0.45, INITIATIVE: 0.5, OPPORTUNITY: 0.55, QUESTION: 0 };
const PERMANENCE_PUBLIC_SHARE = 0.5;

/** How much a post draws republications, comments and reactions, by kind. */
const APPEAL: Record<PostKind, number> = { RESOURCE: 3, INITIATIVE: 2.5, OPPORTUNITY: 2, NEWS: 1.5, QUESTION: 1.2 };
const REPUBLISHABLE: Record<PostKind, number> = { INITIATIVE: 3, OPPORTUNITY: 3, RESOURCE: 2.5, NEWS: 1, QUESTION: 0 };

const REACTIONS_BY_KIND: Record<PostKind, Record<Reaction, number>> = {
  RESOURCE: { USEFUL: 6, THANKS: 3, SUPPORT: 1 },
  INITIATIVE: { SUPPORT: 5, THANKS: 2, USEFUL: 2 },
  OPPORTUNITY: { USEFUL: 5, THANKS: 3, SUPPORT: 1 },
  NEWS: { THANKS: 4, USEFUL: 3, SUPPORT: 2 },
  QUESTION: { SUPPORT: 3, USEFUL: 2, THANKS: 1 },
};

/** The network news about the application itself opens the feed. */
const OPENING_NEWS = ["Nouvelle application du réseau : le fil d'information et les alertes", 'Alertes réseau : comment ça marche ?'];

export function planFeed(seed = 'pdn32-feed'): FeedPlan {
  const prng = new Prng(seed);
  const load = new Map<string, number>();
  const titles = new Set<string>();
  const appeal = new Map<string, number>();
  const originals: PlannedPost[] = [];

  const add = (key: string, author: SeedMember, kind: PostKind, title: string, body: string, themes: Theme[], links: Site[] | undefined, audience: PostAudience) => {
    if (titles.has(title)) throw new Error(`gers-feed: two posts titled "${title}"`);
    titles.add(title);
    load.set(author.email, (load.get(author.email) ?? 0) + 1);
    appeal.set(key, APPEAL[kind] * prng.between(0.3, 1.7));
    originals.push({
      key,
      author: author.email,
      input: { kind, title, body, audience, themes: [...new Set(themes)], links: links?.map((l) => ({ url: l.url, title: l.title })) ?? [] },
    });
  };
  const audience = (share: number): PostAudience => (prng.chance(share) ? 'PUBLIC' : 'NETWORK');

  // ---------------------------------------------------------------- the coordinators' network news
  NETWORK_NEWS.forEach((news, i) => add(`news-${i + 1}`, coordinator(news.by), 'NEWS', news.title, news.body, news.themes, news.links, news.audience));

  // ---------------------------------------------------------------- each promeneur announces their permanences
  for (const member of ACTIVE_PROMENEURS) {
    const slots = planPermanences(member);
    if (slots.length === 0) continue;
    const words = STRUCTURE_WORDS[member.structure]!;
    const main = slots[0]!;
    const title = `Permanence ${NETWORK_NAMES[main.network]} ${words.of} le ${WEEKDAYS[main.weekday - 1]} de ${hour(main.startTime)} à ${hour(main.endTime)}`;
    const lines = slots.map((s) => `- le **${WEEKDAYS[s.weekday - 1]}** de ${hour(s.startTime)} à ${hour(s.endTime)} sur ${NETWORK_NAMES[s.network]}`);
    const body = `Les jeunes peuvent me retrouver en ligne, sous mon identité de promeneur ${words.of} :

${lines.join('\n')}

En dehors de ces créneaux, je réponds dès que possible. En cas d'urgence : le 15 ou le 112 ; pour le cyberharcèlement, le 3018.

N'hésitez pas à relayer auprès des jeunes que vous accompagnez !`;
    const unique = titles.has(title) ? `${title} (${member.firstName})` : title;
    add(`permanence-${member.email}`, member, 'NEWS', unique, body, ['DIGITAL_PRACTICES', member.themes[0]!], undefined, audience(PERMANENCE_PUBLIC_SHARE));
  }

  // ---------------------------------------------------------------- resources and questions, by whom the themes suit
  RESOURCES.forEach((resource, i) => {
    add(`resource-${i + 1}`, writer(resource, FEED_MEMBERS, prng, load), 'RESOURCE', resource.title, resource.body, resource.themes, resource.links, audience(PUBLIC_SHARE.RESOURCE));
  });
  QUESTIONS.forEach((question, i) => {
    add(`question-${i + 1}`, writer(question, ACTIVE_PROMENEURS, prng, load), 'QUESTION', question.title, question.body, question.themes, question.links, 'NETWORK');
  });

  // ---------------------------------------------------------------- what the structures do: initiatives, opportunities, news
  const speaking = STRUCTURES.filter((s) => s.key !== 'caf' && FEED_MEMBERS.some((m) => m.structure === s.key));
  const pairs = prng.shuffle([...INITIATIVES, ...OPPORTUNITIES, ...STRUCTURE_NEWS].flatMap((family) => speaking.filter(family.fits).map((structure) => ({ family, structure }))));
  const quota = { ...FEED_TARGETS.structurePosts };
  for (const { family, structure } of pairs) {
    const kind = family.kind as keyof typeof quota;
    if (quota[kind] === 0) continue;
    const members = FEED_MEMBERS.filter((m) => m.structure === structure.key);
    const author = leastBusy(members, prng, load);
    const post = makePost(family, author, prng);
    if (titles.has(post.title)) continue;
    quota[kind]--;
    add(`${family.key}@${structure.key}`, author, family.kind, post.title, post.body, family.themes, post.links, audience(PUBLIC_SHARE[family.kind]));
  }

  // ---------------------------------------------------------------- the order of publication
  const opening = OPENING_NEWS.map((title) => originals.find((p) => p.input.title === title)!);
  const ordered = [...opening, ...prng.shuffle(originals.filter((p) => !opening.includes(p)))];
  // A promeneur relays a paid training with a promo code, late in the period: reported, then hidden.
  const commercialAuthor = leastBusy(ACTIVE_PROMENEURS.filter((m) => m.structure !== 'imaj' && m.themes.includes('DIGITAL_PRACTICES')), prng, load);
  const commercial: PlannedPost = {
    key: 'commercial',
    author: commercialAuthor.email,
    input: { kind: 'OPPORTUNITY', title: COMMERCIAL_POST.title, body: COMMERCIAL_POST.body, audience: 'NETWORK', themes: COMMERCIAL_POST.themes, links: [] },
  };
  ordered.splice(Math.floor(ordered.length * 0.75), 0, commercial);
  const position = new Map(ordered.map((p, i) => [p.key, i]));
  const byKey = new Map(ordered.map((p) => [p.key, p]));
  const kindOf = (key: string) => byKey.get(key)!.input.kind;
  const authorOf = (key: string) => byKey.get(key)!.author;

  // ---------------------------------------------------------------- republications: other structures relay
  const republications: (PlannedRepublication & { at: number })[] = [];
  const relayed = new Set<string>();
  const sources = ordered.filter((p) => p.key !== 'commercial' && REPUBLISHABLE[p.input.kind] > 0);
  const sourceWeight = (p: PlannedPost) => REPUBLISHABLE[p.input.kind] * (appeal.get(p.key) ?? 1) * (p.key.startsWith('permanence-') ? 0.2 : 1);
  // A few posts after the original (sooner for the latest ones), so the newest of the feed mixes posts and relays.
  const relayedAt = (p: number) => {
    const room = Math.min(30, ordered.length - 1 - p);
    return p + (room > 0 ? prng.int(1, room) : 0) + prng.between(0.1, 0.9);
  };
  for (let attempts = 0; republications.length < FEED_TARGETS.republications && attempts < 10_000; attempts++) {
    const source = weightedPick(sources, sourceWeight, prng);
    const original = FEED_MEMBERS.find((m) => m.email === source.author)!;
    const relayer = prng.pick(FEED_MEMBERS.filter((m) => m.structure !== original.structure));
    const pair = `${relayer.email}|${source.key}`;
    if (relayed.has(pair)) continue;
    relayed.add(pair);
    republications.push({
      key: `republication-${republications.length + 1}`,
      author: relayer.email,
      source: source.key,
      comment: prng.pick(REPUBLICATION_COMMENTS[source.input.kind]),
      at: relayedAt(position.get(source.key)!),
    });
  }
  const timeline: FeedStep[] = [
    ...ordered.map((post, i) => ({ at: i, step: { type: 'post', post } as FeedStep })),
    ...republications.map(({ at, ...republication }) => ({ at, step: { type: 'republication', republication } as FeedStep })),
  ]
    .sort((a, b) => a.at - b.at)
    .map((x) => x.step);

  // ---------------------------------------------------------------- comments: answers to questions, then a word here and there
  const comments = new Map<string, PlannedComment[]>();
  const commentOn = (post: string, author: string, body: string) => {
    const list = comments.get(post) ?? [];
    list.push({ post, author, body });
    comments.set(post, list);
  };
  QUESTIONS.forEach((question, i) => {
    const key = `question-${i + 1}`;
    const asker = authorOf(key);
    const answered = new Set<string>([asker]);
    for (const answer of question.answers) {
      const author = answerer(answer, asker, question.themes, answered, prng);
      if (author.email !== asker) answered.add(author.email);
      commentOn(key, author.email, answerText(answer));
    }
    if (!question.answers.some((a) => typeof a !== 'string' && a.from === 'asker') && prng.chance(0.35)) {
      commentOn(key, asker, prng.pick(QUESTION_THANKS));
    }
  });
  const colleagues = FEED_MEMBERS.filter((m) => m.email !== commercial.author);
  prng.shuffle(colleagues)
    .slice(0, COMMERCIAL_COMMENTS.length)
    .forEach((member, i) => commentOn('commercial', member.email, COMMERCIAL_COMMENTS[i]!));
  const commentable = ordered.filter((p) => p.input.kind !== 'QUESTION' && p.key !== 'commercial');
  let planned = [...comments.values()].reduce((n, list) => n + list.length, 0);
  for (let attempts = 0; planned < FEED_TARGETS.comments && attempts < 20_000; attempts++) {
    const post = weightedPick(commentable, (p) => appeal.get(p.key) ?? 1, prng);
    const kind = post.input.kind as Exclude<PostKind, 'QUESTION'>;
    const body = prng.pick(COMMENTS[kind]);
    const author = prng.pick(FEED_MEMBERS).email;
    const existing = comments.get(post.key) ?? [];
    if (author === post.author || existing.some((c) => c.author === author || c.body === body)) continue;
    commentOn(post.key, author, body);
    planned++;
  }
  const orderedComments = [...comments.entries()].sort(([a], [b]) => position.get(a)! - position.get(b)!).flatMap(([, list]) => list);

  // ---------------------------------------------------------------- reactions: one of each kind per member and post at most
  const reactions: PlannedReaction[] = [];
  const reacted = new Set<string>();
  const reactable = ordered.filter((p) => p.key !== 'commercial');
  for (let attempts = 0; reactions.length < FEED_TARGETS.reactions && attempts < 50_000; attempts++) {
    const post = weightedPick(reactable, (p) => appeal.get(p.key) ?? 1, prng);
    const member = prng.pick(FEED_MEMBERS).email;
    const reaction = prng.weighted(REACTIONS_BY_KIND[kindOf(post.key)]);
    const triple = `${post.key}|${member}|${reaction}`;
    if (member === post.author || reacted.has(triple)) continue;
    reacted.add(triple);
    reactions.push({ post: post.key, member, reaction });
  }

  // ---------------------------------------------------------------- reports and moderation
  const reporters = prng.shuffle(ACTIVE_PROMENEURS.filter((m) => m.email !== commercial.author)).slice(0, REPORT_REASONS.commercial.length);
  const reports: PlannedReport[] = reporters.map((member, i) => ({ post: 'commercial', member: member.email, reason: REPORT_REASONS.commercial[i]! }));
  const dated = ordered.find((p) => p.key.startsWith('job-dating@'))!;
  const checker = prng.pick(ACTIVE_PROMENEURS.filter((m) => m.email !== dated.author && !reporters.includes(m)));
  reports.push({ post: dated.key, member: checker.email, reason: REPORT_REASONS.outdated });
  const moderations: PlannedModeration[] = [{ post: 'commercial', coordinator: 'imaj', action: 'HIDE', reason: HIDE_REASON }];

  return {
    timeline,
    posts: ordered,
    republications: timeline.flatMap((s) => (s.type === 'republication' ? [s.republication] : [])),
    comments: orderedComments,
    reactions,
    reports,
    moderations,
    alerts: planAlerts(new Prng(`${seed}|alerts`)),
  };
}

function coordinator(key: string): SeedMember {
  const found = COORDINATORS.find((c) => c.key === key);
  if (!found) throw new Error(`gers-feed: no coordinator "${key}"`);
  return found;
}

function membersOf(structure: string): SeedMember[] {
  return FEED_MEMBERS.filter((m) => m.structure === structure);
}

/** A fixed post's author: the member or structure it names, else whom its themes suit and who has written least. */
function writer(post: FixedPost, candidates: SeedMember[], prng: Prng, load: Map<string, number>): SeedMember {
  if (post.by) {
    const named = COORDINATORS.find((c) => c.key === post.by);
    return named ?? leastBusy(membersOf(post.by), prng, load);
  }
  return best(candidates, (m) => overlap(m.themes, post.themes) + prng.between(0, 1.5) - 0.35 * (load.get(m.email) ?? 0));
}

function leastBusy(candidates: SeedMember[], prng: Prng, load: Map<string, number>): SeedMember {
  if (candidates.length === 0) throw new Error('gers-feed: nobody to write');
  return best(candidates, (m) => prng.between(0, 1) - (load.get(m.email) ?? 0));
}

/** Who writes an answer: the asker, a member of the named structure, or a colleague the themes suit. */
function answerer(answer: Answer, asker: string, themes: Theme[], answered: Set<string>, prng: Prng): SeedMember {
  const from = typeof answer === 'string' ? undefined : answer.from;
  if (from === 'asker') return FEED_MEMBERS.find((m) => m.email === asker)!;
  const named = from ? membersOf(from).filter((m) => !answered.has(m.email)) : [];
  if (from && named.length > 0) return prng.pick(named);
  const others = FEED_MEMBERS.filter((m) => !answered.has(m.email));
  return best(others, (m) => overlap(m.themes, themes) + prng.between(0, 2));
}

function answerText(answer: Answer): string {
  return typeof answer === 'string' ? answer : answer.text;
}

function makePost(family: PostFamily, author: SeedMember, prng: Prng) {
  const structure = structureByKey(author.structure);
  const words = STRUCTURE_WORDS[structure.key];
  if (!words) throw new Error(`gers-feed: no words for the structure "${structure.key}"`);
  return family.make({ author, structure, at: words.at, of: words.of, commune: GERS_COMMUNES[structure.commune].name, prng });
}

function overlap(a: readonly string[], b: readonly string[]): number {
  return a.filter((x) => b.includes(x)).length;
}

function best<T>(items: readonly T[], score: (item: T) => number): T {
  let top: T | undefined;
  let topScore = -Infinity;
  for (const item of items) {
    const s = score(item);
    if (s > topScore) {
      top = item;
      topScore = s;
    }
  }
  if (top === undefined) throw new Error('gers-feed: nothing to choose from');
  return top;
}

function weightedPick<T>(items: readonly T[], weight: (item: T) => number, prng: Prng): T {
  const weights = items.map(weight);
  const total = weights.reduce((a, b) => a + b, 0);
  let draw = prng.next() * total;
  for (let i = 0; i < items.length; i++) {
    draw -= weights[i]!;
    if (draw < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

// ------------------------------------------------------------------------------------- alerts

interface AlertTemplate {
  key: string;
  raisedBy: SeedCoordinator['key'];
  severity: AlertSeverity;
  category: AlertCategory;
  title: string;
  body: string;
  themes: Theme[];
  expiresInDays?: number;
  /** Share of the active promeneurs who have acknowledged it. */
  acknowledged: number;
  resolution?: { by: SeedCoordinator['key']; note: string };
}

function firstNames(structure: string): string {
  const names = ACTIVE_PROMENEURS.filter((m) => m.structure === structure).map((m) => m.firstName);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} et ${names[names.length - 1]}` : (names[0] ?? "l'équipe");
}

/** Oldest first: the order the coordinators raise them in. */
function alertTemplates(): AlertTemplate[] {
  return [
    {
      key: 'pij-gimont-ferme',
      raisedBy: 'caf',
      severity: 'INFO',
      category: 'SERVICE_DISRUPTION',
      title: "PIJ de Gimont fermé jusqu'à lundi (dégât des eaux)",
      body: `Suite à un dégât des eaux, l'accueil du PIJ de Gimont est fermé jusqu'à lundi.

- les permanences en ligne de ${firstNames('pij-gimont')} sont maintenues ;
- pour un accueil physique, orientez les jeunes du secteur vers le BIJ d'Auch ou le service jeunesse de L'Isle-Jourdain.`,
      themes: ['ORIENTATION'],
      acknowledged: 0.45,
      resolution: { by: 'caf', note: 'Le PIJ de Gimont a rouvert ce matin, accueil aux horaires habituels. Merci pour les relais !' },
    },
    {
      key: 'faux-job-etudiant',
      raisedBy: 'imaj',
      severity: 'WARNING',
      category: 'SCAM',
      title: 'Arnaque au faux job étudiant sur Snapchat et Instagram',
      body: `Des comptes proposent aux 16–20 ans un « job facile » payé plusieurs centaines d'euros par semaine. Il s'agit en réalité de prêter son compte bancaire ou de faire transiter de l'argent pour d'autres (« mules financières »). Les jeunes risquent des poursuites pénales et de lourds problèmes bancaires.

**Repères à partager**
- aucun employeur ne demande des identifiants bancaires ni une photo de carte bancaire ;
- un vrai job, c'est un contrat et des fiches de paie ;
- en cas de doute : https://www.cybermalveillance.gouv.fr, et signalement sur https://www.internet-signalement.gouv.fr

Un jeune qui a déjà donné ses informations doit prévenir sa banque sans attendre et porter plainte.`,
      themes: ['EMPLOYMENT', 'DIGITAL_PRACTICES'],
      expiresInDays: 30,
      acknowledged: 0.65,
    },
    {
      key: 'defi-tiktok',
      raisedBy: 'imaj',
      severity: 'WARNING',
      category: 'VIRAL_CHALLENGE',
      title: 'Défi viral dangereux sur TikTok : le « jeu du foulard » refait surface',
      body: `Plusieurs promeneurs et deux établissements du département signalent des vidéos d'un défi d'asphyxie qui circulent de nouveau sur TikTok et sont repartagées sur Snapchat, surtout chez les 10–14 ans.

**Conduite à tenir**
- ne pas relayer les vidéos, même pour alerter : cela augmente leur visibilité ;
- signaler les contenus dans l'application et sur PHAROS (https://www.internet-signalement.gouv.fr) ;
- en parler sans décrire le geste, en insistant sur le danger réel : perte de connaissance, séquelles, décès ;
- orienter les parents inquiets vers le 3018 ; en cas d'urgence, le 15.

Merci d'accuser réception et de faire remonter à la coordination tout signalement dans vos secteurs.`,
      themes: ['DIGITAL_PRACTICES', 'HEALTH'],
      expiresInDays: 21,
      acknowledged: 0.75,
    },
    {
      key: 'contenus-automutilation',
      raisedBy: 'caf',
      severity: 'WARNING',
      category: 'MENTAL_HEALTH',
      title: "Contenus valorisant l'automutilation : hausse des signalements",
      body: `Plusieurs promeneurs observent des comptes et des tendances qui valorisent l'automutilation et les troubles alimentaires, avec des mots-clés détournés pour échapper à la modération.

**Repères**
- ne pas dramatiser ni banaliser ; poser la question directement à un jeune qui inquiète ;
- orienter vers la Maison des adolescents du Gers et vers Fil Santé Jeunes (https://www.filsantejeunes.com) ;
- en cas d'idées suicidaires, le 3114, 24 h/24 ; en cas de danger immédiat, le 15 ;
- signaler les contenus dans l'application, sans les repartager.`,
      themes: ['HEALTH', 'DIGITAL_PRACTICES'],
      acknowledged: 0.35,
    },
    {
      key: 'cyberharcelement-college',
      raisedBy: 'imaj',
      severity: 'CRITICAL',
      category: 'CYBERBULLYING',
      title: "Vague de cyberharcèlement visant des élèves d'un collège d'Auch",
      body: `Depuis ce week-end, des comptes anonymes publient sur Instagram et Snapchat des montages photo et des « classements » humiliants d'élèves de 4e et de 3e d'un collège d'Auch. Les contenus sont repartagés dans des groupes de classe et commencent à toucher d'autres établissements du Grand Auch.

**Ce que nous vous demandons**
- être particulièrement attentifs pendant vos permanences : des jeunes peuvent vous contacter ;
- ne jamais republier ni transférer les contenus, même pour les montrer ;
- conseiller de faire des captures d'écran (date, nom du compte), puis de signaler le compte ;
- orienter vers le 3018, qui peut obtenir le retrait rapide des contenus ;
- prévenir la coordination si un jeune est en danger : nous sommes en lien avec l'établissement et la Maison des adolescents.

Aucune information permettant d'identifier les élèves ne doit circuler dans le réseau.`,
      themes: ['CYBERBULLYING', 'SCHOOLING'],
      acknowledged: 0.85,
    },
  ];
}

function planAlerts(prng: Prng): PlannedAlert[] {
  return alertTemplates().map((t) => {
    const acknowledgedBy = prng
      .shuffle(ACTIVE_PROMENEURS)
      .slice(0, Math.round(ACTIVE_PROMENEURS.length * t.acknowledged))
      .map((m) => m.email);
    return {
      key: t.key,
      raisedBy: t.raisedBy,
      input: { severity: t.severity, category: t.category, title: t.title, body: t.body, departments: [DEPARTMENT], themes: t.themes },
      ...(t.expiresInDays ? { expiresInDays: t.expiresInDays } : {}),
      acknowledgedBy,
      ...(t.resolution ? { resolution: t.resolution } : {}),
    };
  });
}

/** What the coordinator sends: the plan's alert with its expiry counted from `now`. */
export function alertInput(alert: PlannedAlert, now: Date): RaiseAlertInput {
  return {
    ...alert.input,
    expiresAt: alert.expiresInDays ? new Date(now.getTime() + alert.expiresInDays * 86_400_000).toISOString() : null,
  };
}
