import type { CreateEventInput, EventKind, PermanenceInput, PresenceLogInput, RequestCategory, SocialNetwork, Theme } from '@pdn/client';
import { DEPARTMENT, GERS_COMMUNES, PROMENEURS, structureByKey, type SeedCoordinator, type SeedPromeneur } from './gers-network.js';
import { addDays, daysBetween, isoWeekday, mondayOf, parisDateTime } from './paris-time.js';
import { Prng } from './prng.js';

/**
 * The demo network's calendar for a year around today: regroupements, trainings, workshops and
 * webinars run by the two coordinators, the promeneurs' weekly permanences, and twelve weeks of
 * presence logs. Everything is planned from `today` (a Paris date) by pure functions, with a seeded
 * generator: the same day always gives the same demo, and the specs check the plan without a server.
 */

// ------------------------------------------------------------------------------------- who

export const ACTIVE_PROMENEURS: SeedPromeneur[] = PROMENEURS.filter((p) => p.outcome.status === 'ACTIVE');
export const CANDIDATE_PROMENEURS: SeedPromeneur[] = PROMENEURS.filter((p) => p.outcome.status === 'CANDIDATE');

// ------------------------------------------------------------------------------------- events

/** Where an event stands once the seed is done. */
export type EventPhase =
  /** Took place: registrations made, attendance recorded, closed (COMPLETED). */
  | 'past'
  /** PUBLISHED, registrations open or closed by their deadline. */
  | 'upcoming'
  /** Published, a few registrations, then cancelled with a reason. */
  | 'cancelled'
  /** The coordinators' work in progress. */
  | 'draft';

interface EventTemplate {
  key: string;
  kind: EventKind;
  title: string;
  description: string;
  organizer: SeedCoordinator['key'];
  phase: EventPhase;
  /** Weeks from the current one (negative: in the past); moved off the summer and Christmas breaks. */
  week: number;
  /** ISO weekday of the first day, 1 = Monday. */
  weekday: number;
  /** Number of days, for trainings over several days (default 1). */
  days?: number;
  /** Paris wall-clock times: start on the first day, end on the last. */
  start: string;
  end: string;
  /** Held at a structure of the network (its address), somewhere else, or online only. */
  venue?: { structure: string } | { place: string };
  onlineUrl?: string;
  themes: Theme[];
  capacity?: number;
  approval?: boolean;
  /** Registrations close this many days before the start, at 23:59. */
  deadlineDaysBefore?: number;
  /** Who registers, in this order: active promeneurs (the most interested first) or the candidates. */
  registrants: { from: 'active'; count: number } | { from: 'candidates' };
  /** Past events: the share of confirmed registrants who came. */
  attendance?: number;
  /** APPROVAL events: how many of the registrants (in order) a coordinator approves, then refuses; the rest stay pending. */
  decisions?: { approve: number; refuse: number };
  cancelReason?: string;
  closingNotes?: string;
}

const VISIO = 'https://visio.pdn32.test';

const EVENT_TEMPLATES: EventTemplate[] = [
  // -------------------------------------------------------------------- past: held and closed
  {
    key: 'regroupement-auch',
    kind: 'REGROUPEMENT',
    title: 'Regroupement du réseau PDN32 à Auch',
    description:
      "Journée du réseau des Promeneurs du Net du Gers : bilan des permanences en ligne, témoignages de deux structures, " +
      'atelier d\'analyse de situations et présentation du programme de formation de l\'année.',
    organizer: 'caf',
    phase: 'past',
    week: -14,
    weekday: 4,
    start: '09:30',
    end: '16:30',
    venue: { structure: 'imaj' },
    themes: ['CITIZENSHIP', 'DIGITAL_PRACTICES'],
    capacity: 60,
    deadlineDaysBefore: 7,
    registrants: { from: 'active', count: 19 },
    attendance: 0.85,
    closingNotes: 'Belle participation ; demande forte d\'ateliers sur TikTok et sur Discord pour la suite de l\'année.',
  },
  {
    key: 'formation-initiale-1',
    kind: 'INITIAL_TRAINING',
    title: 'Formation initiale des Promeneurs du Net (session 1)',
    description:
      'Trois jours pour démarrer : la démarche Promeneurs du Net et sa charte, la présence éducative sur les réseaux sociaux, ' +
      'identité professionnelle en ligne, cadre juridique et CNIL, repérage des situations à risque et orientation.',
    organizer: 'caf',
    phase: 'past',
    week: -10,
    weekday: 1,
    days: 3,
    start: '09:00',
    end: '17:00',
    venue: { structure: 'caf' },
    themes: ['DIGITAL_PRACTICES', 'CITIZENSHIP'],
    capacity: 12,
    deadlineDaysBefore: 14,
    registrants: { from: 'active', count: 7 },
    attendance: 1,
    closingNotes: 'Session complète : tous les participants ont suivi les trois jours.',
  },
  {
    key: 'atelier-cyberharcelement',
    kind: 'WORKSHOP',
    title: 'Atelier cyberharcèlement : repérer, écouter, orienter',
    description:
      'Reconnaître les signes du cyberharcèlement dans les échanges en ligne, accueillir la parole d\'un jeune, ' +
      'connaître le 3018 et les relais locaux, travailler avec les établissements scolaires.',
    organizer: 'imaj',
    phase: 'past',
    week: -6,
    weekday: 2,
    start: '14:00',
    end: '17:00',
    venue: { structure: 'mda-auch' },
    themes: ['CYBERBULLYING', 'SCHOOLING'],
    capacity: 15,
    deadlineDaysBefore: 3,
    registrants: { from: 'active', count: 12 },
    attendance: 0.8,
    closingNotes: 'Fiche réflexe « cyberharcèlement » à diffuser dans le fil d\'information du réseau.',
  },
  {
    key: 'webinaire-discord',
    kind: 'WEBINAR',
    title: 'Webinaire Discord : comprendre les serveurs fréquentés par les jeunes',
    description:
      'Serveurs, salons, rôles et modération : comment fonctionne Discord, ce que les jeunes y font, ' +
      'et comment un promeneur peut y être présent sans s\'imposer.',
    organizer: 'imaj',
    phase: 'past',
    week: -3,
    weekday: 4,
    start: '18:00',
    end: '19:30',
    onlineUrl: `${VISIO}/webinaire-discord`,
    themes: ['DIGITAL_PRACTICES'],
    registrants: { from: 'active', count: 14 },
    attendance: 0.75,
    closingNotes: 'Replay et support envoyés aux inscrits.',
  },

  // -------------------------------------------------------------------- upcoming
  {
    key: 'webinaire-3018',
    kind: 'WEBINAR',
    title: 'Webinaire : le 3018 et les signalements de cyberharcèlement',
    description:
      'Présentation du 3018 par ses écoutants : ce qui se passe après un appel, les signalements aux plateformes, ' +
      'et comment accompagner un jeune dans la démarche.',
    organizer: 'imaj',
    phase: 'upcoming',
    week: 1,
    weekday: 4,
    start: '12:30',
    end: '13:30',
    onlineUrl: `${VISIO}/webinaire-3018`,
    themes: ['CYBERBULLYING'],
    registrants: { from: 'active', count: 8 },
  },
  {
    key: 'atelier-tiktok',
    kind: 'WORKSHOP',
    title: 'Atelier TikTok et prévention',
    description:
      'Comprendre l\'algorithme et les codes de TikTok, repérer les défis dangereux, produire un contenu de prévention ' +
      'court avec les jeunes. Places limitées : matériel pour huit participants.',
    organizer: 'imaj',
    phase: 'upcoming',
    week: 2,
    weekday: 2,
    start: '14:00',
    end: '17:00',
    venue: { structure: 'cs-fleurance' },
    themes: ['DIGITAL_PRACTICES', 'HEALTH'],
    capacity: 8,
    deadlineDaysBefore: 2,
    // More registrants than seats: the last three wait in line.
    registrants: { from: 'active', count: 11 },
  },
  {
    key: 'formation-initiale-2',
    kind: 'INITIAL_TRAINING',
    title: 'Formation initiale des Promeneurs du Net (session 2)',
    description:
      'Deux jours pour les nouveaux promeneurs : la démarche et sa charte, la posture éducative en ligne, le cadre juridique, ' +
      'les permanences et le journal de présence, le travail en réseau.',
    organizer: 'caf',
    phase: 'upcoming',
    week: 4,
    weekday: 1,
    days: 2,
    start: '09:00',
    end: '17:00',
    venue: { structure: 'imaj' },
    themes: ['DIGITAL_PRACTICES', 'CITIZENSHIP'],
    capacity: 12,
    deadlineDaysBefore: 10,
    registrants: { from: 'candidates' },
  },
  {
    key: 'atelier-droit-image',
    kind: 'WORKSHOP',
    title: "Atelier droit à l'image et publications des structures",
    description: 'Publier des photos et des vidéos d\'activités jeunesse : autorisations, mineurs, durée de conservation, bonnes pratiques.',
    organizer: 'imaj',
    phase: 'cancelled',
    week: 5,
    weekday: 2,
    start: '14:00',
    end: '16:30',
    venue: { structure: 'ml-auch' },
    themes: ['DIGITAL_PRACTICES', 'CITIZENSHIP'],
    capacity: 15,
    registrants: { from: 'active', count: 5 },
    cancelReason: "Intervenante indisponible : l'atelier est reporté, une nouvelle date sera proposée au prochain regroupement.",
  },
  {
    key: 'journee-regionale',
    kind: 'REGIONAL_DAY',
    title: 'Journée régionale Occitanie des Promeneurs du Net',
    description:
      'Rencontre des réseaux départementaux d\'Occitanie : retours d\'expérience, tables rondes, ateliers croisés. ' +
      'Six places pour la délégation du Gers, sur validation des coordinateurs.',
    organizer: 'caf',
    phase: 'upcoming',
    week: 6,
    weekday: 4,
    start: '09:30',
    end: '17:00',
    venue: { place: 'Toulouse (lieu communiqué aux participants retenus)' },
    themes: ['CITIZENSHIP', 'DIGITAL_PRACTICES'],
    capacity: 6,
    approval: true,
    deadlineDaysBefore: 14,
    registrants: { from: 'active', count: 9 },
    decisions: { approve: 4, refuse: 1 },
  },
  {
    key: 'regroupement-fleurance',
    kind: 'REGROUPEMENT',
    title: 'Regroupement du réseau PDN32 à Fleurance',
    description:
      'Deuxième journée du réseau : les chiffres de la présence en ligne, retour de la journée régionale, ' +
      'atelier « situations difficiles en ligne » et temps d\'échange entre structures.',
    organizer: 'caf',
    phase: 'upcoming',
    week: 9,
    weekday: 4,
    start: '09:30',
    end: '16:30',
    venue: { structure: 'cs-fleurance' },
    themes: ['CITIZENSHIP', 'DIGITAL_PRACTICES'],
    capacity: 60,
    deadlineDaysBefore: 7,
    registrants: { from: 'active', count: 16 },
  },
  {
    key: 'atelier-posture',
    kind: 'WORKSHOP',
    title: 'Atelier posture professionnelle en ligne',
    description:
      'Identité professionnelle, limites et disponibilité, que répondre et quand orienter : analyse de cas concrets ' +
      'apportés par les participants.',
    organizer: 'imaj',
    phase: 'upcoming',
    week: 11,
    weekday: 2,
    start: '09:30',
    end: '12:30',
    venue: { structure: 'bij-auch' },
    themes: ['DIGITAL_PRACTICES', 'CITIZENSHIP'],
    capacity: 15,
    deadlineDaysBefore: 3,
    registrants: { from: 'active', count: 10 },
  },
  {
    key: 'webinaire-tiktok',
    kind: 'WEBINAR',
    title: 'Webinaire : tendances TikTok et défis dangereux',
    description: 'Les tendances du moment sur TikTok, les défis qui inquiètent et comment en parler avec les jeunes sans les amplifier.',
    organizer: 'imaj',
    phase: 'upcoming',
    week: 14,
    weekday: 4,
    start: '18:00',
    end: '19:30',
    onlineUrl: `${VISIO}/webinaire-tiktok`,
    themes: ['DIGITAL_PRACTICES', 'HEALTH'],
    registrants: { from: 'active', count: 9 },
  },
  {
    key: 'atelier-discord',
    kind: 'WORKSHOP',
    title: 'Atelier Discord : animer et modérer un serveur jeunesse',
    description: 'Créer un serveur pour sa structure, régler les rôles et la modération, animer des salons, gérer un conflit.',
    organizer: 'imaj',
    phase: 'upcoming',
    week: 17,
    weekday: 3,
    start: '14:00',
    end: '17:00',
    venue: { structure: 'sj-isle' },
    themes: ['DIGITAL_PRACTICES', 'LEISURE'],
    capacity: 12,
    deadlineDaysBefore: 3,
    registrants: { from: 'active', count: 7 },
  },
  {
    key: 'webinaire-sante-mentale',
    kind: 'WEBINAR',
    title: 'Webinaire : santé mentale des jeunes et réseaux sociaux',
    description: 'Avec la Maison des adolescents : signaux d\'alerte, ressources, et les limites du rôle de promeneur.',
    organizer: 'imaj',
    phase: 'upcoming',
    week: 21,
    weekday: 4,
    start: '18:00',
    end: '19:30',
    onlineUrl: `${VISIO}/webinaire-sante-mentale`,
    themes: ['HEALTH', 'ADDICTION'],
    registrants: { from: 'active', count: 6 },
  },
  {
    key: 'regroupement-condom',
    kind: 'REGROUPEMENT',
    title: 'Regroupement du réseau PDN32 à Condom',
    description: 'Dernière journée du réseau de l\'année : bilan annuel pour la CAF et le comité de pilotage, projets de l\'année suivante.',
    organizer: 'caf',
    phase: 'upcoming',
    week: 30,
    weekday: 4,
    start: '09:30',
    end: '16:30',
    venue: { structure: 'prev-condom' },
    themes: ['CITIZENSHIP', 'DIGITAL_PRACTICES'],
    capacity: 60,
    deadlineDaysBefore: 7,
    registrants: { from: 'active', count: 6 },
  },
  {
    key: 'formation-projets',
    kind: 'TRAINING',
    title: 'Formation : accompagner les projets de jeunes en ligne',
    description: 'Programme en cours de préparation avec la Mission locale.',
    organizer: 'caf',
    phase: 'draft',
    week: 34,
    weekday: 1,
    start: '09:30',
    end: '16:30',
    venue: { structure: 'ml-auch' },
    themes: ['EMPLOYMENT', 'ORIENTATION'],
    capacity: 15,
    registrants: { from: 'active', count: 0 },
  },
];

export interface PlannedEvent {
  key: string;
  phase: EventPhase;
  organizer: SeedCoordinator['key'];
  /** What the coordinator creates, at the event's real dates (DRAFT for drafts, PUBLISHED otherwise). */
  input: CreateEventInput & { status: 'DRAFT' | 'PUBLISHED' };
  /** Paris dates of the first and last day. */
  firstDay: string;
  lastDay: string;
  /** E-mail addresses, in registration order. */
  registrants: string[];
  /** Past events: those among the registrants who came (the others are recorded absent). */
  attendees: string[];
  /** APPROVAL events: the registrations a coordinator approves and refuses; the others stay pending. */
  approve: string[];
  refuse: string[];
  cancelReason?: string;
  closingNotes?: string;
  /**
   * Past events take registrations first, so they are created this many days later (whole weeks, in
   * the future), then moved back to their real dates (`shiftDays`, which keeps Paris wall-clock times).
   */
  stagingShiftDays: number;
}

/** A week off for the network: mid-summer and Christmas (its Monday between these month-days). */
export function isHolidayWeek(monday: string): boolean {
  const monthDay = monday.slice(5);
  return (monthDay >= '07-20' && monthDay <= '08-16') || monthDay >= '12-21' || monthDay <= '01-03';
}

/** The year of events around `today` (a Paris date), in chronological order. */
export function planEvents(today: string): PlannedEvent[] {
  const thisMonday = mondayOf(today);
  // Registrants are chosen in the templates' order (not by date), so every day gives the same people.
  const load = new Map<string, number>();
  const planned = EVENT_TEMPLATES.map((template) => planEvent(template, thisMonday, today, load));
  return planned.sort((a, b) => a.firstDay.localeCompare(b.firstDay) || a.key.localeCompare(b.key));
}

function planEvent(t: EventTemplate, thisMonday: string, today: string, load: Map<string, number>): PlannedEvent {
  // Past events move further back out of a break, upcoming ones later: either way they stay on their side of today.
  const step = t.week < 0 ? -7 : 7;
  let monday = addDays(thisMonday, t.week * 7);
  while (isHolidayWeek(monday)) monday = addDays(monday, step);
  const firstDay = addDays(monday, t.weekday - 1);
  const lastDay = addDays(firstDay, (t.days ?? 1) - 1);
  const startsAt = parisDateTime(firstDay, t.start);

  const input: PlannedEvent['input'] = {
    kind: t.kind,
    title: t.title,
    description: t.description,
    startsAt,
    endsAt: parisDateTime(lastDay, t.end),
    department: DEPARTMENT,
    location: t.venue ? venueText(t.venue) : null,
    onlineUrl: t.onlineUrl ?? null,
    themes: t.themes,
    capacity: t.capacity ?? null,
    joinMode: t.approval ? 'APPROVAL' : 'OPEN',
    registrationDeadline: t.deadlineDaysBefore ? parisDateTime(addDays(firstDay, -t.deadlineDaysBefore), '23:59') : null,
    status: t.phase === 'draft' ? 'DRAFT' : 'PUBLISHED',
  };

  const prng = new Prng(`event|${t.key}`);
  const registrants =
    t.registrants.from === 'candidates'
      ? CANDIDATE_PROMENEURS.map((p) => p.email)
      : mostInterested(t.kind === 'REGROUPEMENT' ? [] : t.themes, t.registrants.count, prng, load);
  for (const email of registrants) load.set(email, (load.get(email) ?? 0) + 1);
  const confirmed = t.capacity ? registrants.slice(0, t.capacity) : registrants;
  const attendees = t.phase === 'past' ? prng.shuffle(confirmed).slice(0, Math.round(confirmed.length * (t.attendance ?? 1))) : [];
  const approve = t.decisions ? registrants.slice(0, t.decisions.approve) : [];
  const refuse = t.decisions ? registrants.slice(t.decisions.approve, t.decisions.approve + t.decisions.refuse) : [];

  // Staged far enough ahead that registrations are open: start at least two weeks after today, deadline included.
  const daysAgo = daysBetween(firstDay, today);
  const stagingShiftDays = t.phase === 'past' ? 7 * Math.ceil((daysAgo + 14 + (t.deadlineDaysBefore ?? 0)) / 7) : 0;

  return {
    key: t.key,
    phase: t.phase,
    organizer: t.organizer,
    input,
    firstDay,
    lastDay,
    registrants,
    attendees: registrants.filter((email) => attendees.includes(email)),
    approve,
    refuse,
    cancelReason: t.cancelReason,
    closingNotes: t.closingNotes,
    stagingShiftDays,
  };
}

function venueText(venue: NonNullable<EventTemplate['venue']>): string {
  if ('place' in venue) return venue.place;
  const structure = structureByKey(venue.structure);
  const commune = GERS_COMMUNES[structure.commune];
  return `${structure.name}, ${structure.address}, ${commune.postalCode} ${commune.name}`;
}

/**
 * Active promeneurs likely to come: those concerned by the themes, with some chance, and fewer events
 * already planned, first (a regroupement concerns everyone: no themes). Spreads the registrations over
 * the whole network instead of the same few digital enthusiasts.
 */
function mostInterested(themes: Theme[], count: number, prng: Prng, load: Map<string, number>): string[] {
  return ACTIVE_PROMENEURS.map((p) => ({
    email: p.email,
    score: p.themes.filter((theme) => themes.includes(theme)).length + prng.between(0, 2) - 0.6 * (load.get(p.email) ?? 0),
  }))
    .sort((a, b) => b.score - a.score)
    .slice(0, count)
    .map((p) => p.email);
}

/** The same event moved by whole days, keeping its wall-clock times (what the server's shiftDays does). */
export function shiftedInput(event: PlannedEvent, days: number): PlannedEvent['input'] {
  const move = (iso: string | null | undefined) => (iso ? parisDateTime(addDays(iso.slice(0, 10), days), iso.slice(11, 16)) : iso);
  return {
    ...event.input,
    startsAt: move(event.input.startsAt)!,
    endsAt: move(event.input.endsAt)!,
    registrationDeadline: move(event.input.registrationDeadline) ?? null,
  };
}

// ------------------------------------------------------------------------------------- permanences

/** Networks young people use most first: a promeneur's main slot goes to the first they are on. */
const NETWORK_PREFERENCE: SocialNetwork[] = ['INSTAGRAM', 'SNAPCHAT', 'TIKTOK', 'DISCORD', 'WHATSAPP', 'FACEBOOK'];

export function memberNetworks(member: SeedPromeneur): SocialNetwork[] {
  const own = [...new Set(member.channels.map((c) => c.network))];
  return own.sort((a, b) => rank(a) - rank(b));
}

function rank(network: SocialNetwork): number {
  const i = NETWORK_PREFERENCE.indexOf(network);
  return i < 0 ? NETWORK_PREFERENCE.length : i;
}

const EVENING_STARTS = ['17:00', '17:30', '18:00', '18:30', '19:00', '20:00'];
const WEEKEND_STARTS = ['14:00', '14:30', '15:00', '16:00'];

/**
 * A promeneur's weekly online slots: one to three, in the evening after school (one hour to two), on
 * the networks of their channels; about two in five hold a weekend afternoon instead of one evening.
 */
export function planPermanences(member: SeedPromeneur): PermanenceInput[] {
  const prng = new Prng(`permanences|${member.email}`);
  const networks = memberNetworks(member);
  if (networks.length === 0) return [];
  const count = Math.min(3, Math.max(1, Math.round(member.weeklyHoursCommitment / 1.5)));
  const weekdays = prng.shuffle([1, 2, 3, 4, 5]).slice(0, count);
  const weekend = prng.chance(0.4);
  if (weekend) weekdays[weekdays.length - 1] = prng.pick([6, 7]);

  const slots = weekdays.map((weekday, i): PermanenceInput => {
    const network = networks[i % networks.length]!;
    if (weekday >= 6) {
      const startTime = prng.pick(WEEKEND_STARTS);
      return { weekday, startTime, endTime: addMinutes(startTime, 120), network };
    }
    const startTime = prng.pick(EVENING_STARTS);
    const length = Math.min(prng.pick([60, 90, 120]), minutesOf('22:00') - minutesOf(startTime));
    return { weekday, startTime, endTime: addMinutes(startTime, length), network };
  });
  return slots.sort((a, b) => a.weekday - b.weekday);
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function addMinutes(time: string, minutes: number): string {
  const total = minutesOf(time) + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

// ------------------------------------------------------------------------------------- presence

/** Requests by category as the Loire network reported them in 2019 (domain.md), in percent. */
export const REQUEST_MIX: Readonly<Record<RequestCategory, number>> = {
  DAILY_LIFE_PREVENTION: 44.6,
  STRUCTURE_INFO: 25.8,
  PROJECT_SUPPORT: 13.1,
  DIGITAL_PRACTICES: 10.4,
  PERSONAL: 6.1,
};

export const REQUEST_CATEGORIES = Object.keys(REQUEST_MIX) as RequestCategory[];

/** Presence is logged for the weeks before today (today itself not included). */
export const PRESENCE_WEEKS = 12;
export const MAX_CONTACTS_PER_SESSION = 15;

export interface PlannedPresence {
  /** The member who logs it. */
  email: string;
  input: PresenceLogInput & { contacts: number; requests: { category: RequestCategory; count: number }[]; themes: Theme[] };
}

/** The first and last day presence is logged for, ending the day before `today`. */
export function presencePeriod(today: string): { from: string; to: string } {
  return { from: addDays(today, -7 * PRESENCE_WEEKS), to: addDays(today, -1) };
}

/**
 * Twelve weeks of one promeneur's online sessions: each week about their weekly commitment (between
 * 80 % and 120 %, with the odd light week), in one to three sessions on their permanence days where
 * possible; 0–15 young people reached per session, requests drawn from the Loire mix, themes from
 * the member's own.
 */
export function planPresence(member: SeedPromeneur, today: string): PlannedPresence[] {
  const prng = new Prng(`presence|${member.email}`);
  const networks = memberNetworks(member);
  if (networks.length === 0) return [];
  const permanences = planPermanences(member);
  const reachPerHour = prng.between(1.5, 4.5);
  const sessions: PlannedPresence[] = [];

  for (let week = 0; week < PRESENCE_WEEKS; week++) {
    const days = Array.from({ length: 7 }, (_, i) => addDays(today, -7 * week - 7 + i));
    const factor = prng.chance(0.1) ? prng.between(0.3, 0.6) : prng.between(0.8, 1.2);
    const target = member.weeklyHoursCommitment * 60 * factor;
    const count = target < 100 ? 1 : target < 200 ? prng.int(1, 2) : prng.int(2, 3);

    // Permanence days first, then any other day of the week.
    const onDuty = prng.shuffle(days.filter((d) => permanences.some((p) => p.weekday === isoWeekday(d))));
    const others = prng.shuffle(days.filter((d) => !onDuty.includes(d)));
    const chosen = [...onDuty, ...others].slice(0, count).sort();

    const weights = chosen.map(() => prng.between(0.6, 1.4));
    const weightSum = weights.reduce((s, w) => s + w, 0);
    for (const [i, date] of chosen.entries()) {
      const minutes = Math.max(15, Math.round((target * weights[i]!) / weightSum / 5) * 5);
      const slot = permanences.find((p) => p.weekday === isoWeekday(date));
      const network = slot?.network ?? prng.pick(networks);
      const contacts = clamp(Math.round((minutes / 60) * reachPerHour + prng.between(-1.5, 1.5)), 0, MAX_CONTACTS_PER_SESSION);
      const requestTotal = contacts === 0 ? 0 : Math.round(contacts * prng.between(0.5, 1));
      const counts = new Map<RequestCategory, number>();
      for (let r = 0; r < requestTotal; r++) {
        const category = prng.weighted(REQUEST_MIX);
        counts.set(category, (counts.get(category) ?? 0) + 1);
      }
      const requests = REQUEST_CATEGORIES.filter((c) => counts.has(c)).map((category) => ({ category, count: counts.get(category)! }));
      const themes = contacts === 0 ? [] : prng.shuffle(member.themes).slice(0, prng.int(1, 2));
      sessions.push({ email: member.email, input: { date, minutes, network, contacts, requests, themes } });
    }
  }
  return sessions.sort((a, b) => a.input.date.localeCompare(b.input.date));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
