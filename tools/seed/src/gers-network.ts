import type { Audience, PresenceChannelInput, StructureKind, Theme } from '@pdn/client';

/**
 * A believable Promeneurs du Net network for the Gers (département 32), as the CAF du Gers and the
 * association IMAJ would run it: a dozen youth structures across the département's main towns, two
 * coordinators and about thirty promeneurs at every stage of the labelling workflow.
 *
 * Everything here is made up except the geography. People, e-mail addresses and handles are fictional;
 * e-mail addresses and websites use the reserved `.test` domain, and phone numbers come from the
 * ranges ARCEP keeps for fiction (05 36 49 xx xx, 06 39 98 xx xx), so the demo can never reach anyone.
 * Handles carry no link: a made-up handle may belong to a real stranger on the real network.
 */

export const DEPARTMENT = '32';

/** Communes of the Gers with their INSEE code and postal code (INSEE's Code officiel géographique). */
export const GERS_COMMUNES = {
  auch: { name: 'Auch', inseeCode: '32013', postalCode: '32000' },
  condom: { name: 'Condom', inseeCode: '32107', postalCode: '32100' },
  fleurance: { name: 'Fleurance', inseeCode: '32132', postalCode: '32500' },
  lectoure: { name: 'Lectoure', inseeCode: '32208', postalCode: '32700' },
  mirande: { name: 'Mirande', inseeCode: '32256', postalCode: '32300' },
  islejourdain: { name: "L'Isle-Jourdain", inseeCode: '32160', postalCode: '32600' },
  eauze: { name: 'Eauze', inseeCode: '32119', postalCode: '32800' },
  nogaro: { name: 'Nogaro', inseeCode: '32296', postalCode: '32110' },
  vic: { name: 'Vic-Fezensac', inseeCode: '32462', postalCode: '32190' },
  samatan: { name: 'Samatan', inseeCode: '32410', postalCode: '32130' },
  gimont: { name: 'Gimont', inseeCode: '32147', postalCode: '32200' },
  marciac: { name: 'Marciac', inseeCode: '32233', postalCode: '32230' },
} as const;

export type CommuneKey = keyof typeof GERS_COMMUNES;

export interface SeedStructure {
  /** Stable key the members below refer to; never sent to the API. */
  key: string;
  name: string;
  kind: StructureKind;
  commune: CommuneKey;
  address: string;
  email: string;
  phone: string;
  website?: string;
  channels: PresenceChannelInput[];
}

/** Where a member ends up once the seed is done. */
export type SeedOutcome =
  | { status: 'ACTIVE' }
  /** Invited and signed up, not validated yet; `charterAccepted` says whether they already accepted the charter. */
  | { status: 'CANDIDATE'; charterAccepted: boolean }
  | { status: 'SUSPENDED'; reason: string };

export interface SeedMember {
  firstName: string;
  lastName: string;
  email: string;
  structure: string;
  jobTitle: string;
  /** Public form of the name, "Prénom du BIJ d'Auch"; derived by the API when absent. */
  displayName?: string;
  phone?: string;
  themes: Theme[];
  audiences: Audience[];
  channels: PresenceChannelInput[];
  weeklyHoursCommitment: number;
  outcome: SeedOutcome;
}

export interface SeedCoordinator extends SeedMember {
  /** Which coordinator invites and validates which promeneurs (see `invitedBy` below). */
  key: 'caf' | 'imaj';
}

export interface SeedPromeneur extends SeedMember {
  invitedBy: SeedCoordinator['key'];
}

// Professional handles, in each network's own format (checked against the API's rules by the spec).
const instagram = (handle: string): PresenceChannelInput => ({ network: 'INSTAGRAM', handle: `@${handle}` });
const snapchat = (handle: string): PresenceChannelInput => ({ network: 'SNAPCHAT', handle });
const tiktok = (handle: string): PresenceChannelInput => ({ network: 'TIKTOK', handle: `@${handle}` });
const discord = (handle: string): PresenceChannelInput => ({ network: 'DISCORD', handle });
const facebook = (page: string): PresenceChannelInput => ({ network: 'FACEBOOK', handle: page });
const whatsapp = (number: string): PresenceChannelInput => ({ network: 'WHATSAPP', handle: number });

const ACTIVE: SeedOutcome = { status: 'ACTIVE' };

// ------------------------------------------------------------------------------------- structures

export const STRUCTURES: SeedStructure[] = [
  // The two coordinating bodies: the CAF funds and steers the scheme, IMAJ runs it in the field.
  {
    key: 'caf',
    name: 'CAF du Gers',
    kind: 'OTHER',
    commune: 'auch',
    address: '12 avenue de la Marne',
    email: 'promeneursdunet@caf-gers.pdn32.test',
    phone: '05 36 49 10 00',
    website: 'https://caf-gers.pdn32.test',
    channels: [facebook('CAF du Gers')],
  },
  {
    key: 'imaj',
    name: 'Association IMAJ',
    kind: 'ASSOCIATION',
    commune: 'auch',
    address: '3 rue Dessoles',
    email: 'contact@imaj.pdn32.test',
    phone: '05 36 49 10 10',
    website: 'https://imaj.pdn32.test',
    channels: [facebook('IMAJ Gers'), instagram('imaj.gers')],
  },
  // Youth structures whose professionals are promeneurs.
  {
    key: 'bij-auch',
    name: "BIJ d'Auch",
    kind: 'YOUTH_INFORMATION',
    commune: 'auch',
    address: '8 place de la Libération',
    email: 'bij@auch.pdn32.test',
    phone: '05 36 49 11 20',
    website: 'https://bij-auch.pdn32.test',
    channels: [instagram('bij.auch'), facebook('BIJ Auch')],
  },
  {
    key: 'mda-auch',
    name: 'Maison des adolescents du Gers',
    kind: 'ADOLESCENT_HOUSE',
    commune: 'auch',
    address: '21 boulevard Sadi Carnot',
    email: 'accueil@mda32.pdn32.test',
    phone: '05 36 49 11 40',
    website: 'https://mda32.pdn32.test',
    channels: [instagram('mda.gers')],
  },
  {
    key: 'ml-auch',
    name: 'Mission locale du Gers',
    kind: 'LOCAL_MISSION',
    commune: 'auch',
    address: "17 avenue d'Alsace",
    email: 'contact@missionlocale32.pdn32.test',
    phone: '05 36 49 11 60',
    website: 'https://missionlocale32.pdn32.test',
    channels: [instagram('missionlocale.gers'), facebook('Mission locale du Gers')],
  },
  {
    key: 'prev-condom',
    name: 'Prévention spécialisée de la Ténarèze',
    kind: 'SPECIALISED_PREVENTION',
    commune: 'condom',
    address: '6 rue Jean-Jaurès',
    email: 'prevention@tenareze.pdn32.test',
    phone: '05 36 49 12 10',
    channels: [],
  },
  {
    key: 'cs-fleurance',
    name: 'Centre social de Fleurance',
    kind: 'SOCIAL_CENTER',
    commune: 'fleurance',
    address: '2 rue Pasteur',
    email: 'accueil@cs-fleurance.pdn32.test',
    phone: '05 36 49 12 30',
    website: 'https://cs-fleurance.pdn32.test',
    channels: [facebook('Centre social de Fleurance')],
  },
  {
    key: 'pij-lectoure',
    name: 'PIJ de Lectoure',
    kind: 'YOUTH_INFORMATION',
    commune: 'lectoure',
    address: '45 rue Nationale',
    email: 'pij@lectoure.pdn32.test',
    phone: '05 36 49 12 50',
    channels: [instagram('pij.lectoure')],
  },
  {
    key: 'cs-mirande',
    name: "Centre social de l'Astarac",
    kind: 'SOCIAL_CENTER',
    commune: 'mirande',
    address: "9 rue de l'Évêché",
    email: 'accueil@cs-astarac.pdn32.test',
    phone: '05 36 49 12 70',
    channels: [facebook('Centre social Astarac')],
  },
  {
    key: 'sj-isle',
    name: "Service jeunesse de L'Isle-Jourdain",
    kind: 'MUNICIPAL_YOUTH_SERVICE',
    commune: 'islejourdain',
    address: '1 place Gambetta',
    email: 'jeunesse@mairie-islejourdain.pdn32.test',
    phone: '05 36 49 13 10',
    website: 'https://jeunesse-islejourdain.pdn32.test',
    channels: [instagram('jeunesse.islejourdain'), tiktok('jeunesse.isle32')],
  },
  {
    key: 'mjc-eauze',
    name: "MJC d'Eauze",
    kind: 'YOUTH_CLUB',
    commune: 'eauze',
    address: '14 avenue de Parlebosq',
    email: 'contact@mjc-eauze.pdn32.test',
    phone: '05 36 49 13 30',
    channels: [instagram('mjc.eauze'), facebook('MJC Eauze')],
  },
  {
    key: 'cs-nogaro',
    name: 'Centre social du Bas-Armagnac',
    kind: 'SOCIAL_CENTER',
    commune: 'nogaro',
    address: '5 rue Nationale',
    email: 'accueil@cs-basarmagnac.pdn32.test',
    phone: '05 36 49 13 50',
    channels: [facebook('Centre social du Bas-Armagnac')],
  },
  {
    key: 'ej-vic',
    name: 'Espace jeunes de Vic-Fezensac',
    kind: 'MUNICIPAL_YOUTH_SERVICE',
    commune: 'vic',
    address: '7 place Julie-Saint-Avit',
    email: 'espacejeunes@vic-fezensac.pdn32.test',
    phone: '05 36 49 13 70',
    channels: [instagram('espacejeunes.vic'), snapchat('ej.vic32')],
  },
  {
    key: 'mjc-samatan',
    name: 'MJC du Savès',
    kind: 'YOUTH_CLUB',
    commune: 'samatan',
    address: '11 boulevard du Midi',
    email: 'contact@mjc-saves.pdn32.test',
    phone: '05 36 49 14 10',
    channels: [instagram('mjc.saves')],
  },
  {
    key: 'pij-gimont',
    name: 'PIJ de Gimont',
    kind: 'YOUTH_INFORMATION',
    commune: 'gimont',
    address: '18 rue Nationale',
    email: 'pij@gimont.pdn32.test',
    phone: '05 36 49 14 30',
    channels: [instagram('pij.gimont')],
  },
  {
    key: 'fr-marciac',
    name: 'Foyer rural de Marciac',
    kind: 'ASSOCIATION',
    commune: 'marciac',
    address: "4 place de l'Hôtel-de-Ville",
    email: 'foyer@marciac.pdn32.test',
    phone: '05 36 49 14 50',
    channels: [facebook('Foyer rural de Marciac')],
  },
];

// ------------------------------------------------------------------------------------ coordinators

export const COORDINATORS: SeedCoordinator[] = [
  {
    key: 'caf',
    firstName: 'Nathalie',
    lastName: 'Sempé',
    email: 'nathalie.sempe@caf-gers.pdn32.test',
    structure: 'caf',
    jobTitle: 'Conseillère technique, pôle parentalité',
    displayName: 'Nathalie, coordinatrice PDN32 (CAF du Gers)',
    phone: '05 36 49 10 01',
    themes: ['PARENTING', 'DIGITAL_PRACTICES', 'CITIZENSHIP'],
    audiences: ['YOUTH', 'PARENTS'],
    channels: [facebook('Nathalie Promeneurs du Net 32')],
    weeklyHoursCommitment: 2,
    outcome: ACTIVE,
  },
  {
    key: 'imaj',
    firstName: 'Olivier',
    lastName: 'Carrère',
    email: 'olivier.carrere@imaj.pdn32.test',
    structure: 'imaj',
    jobTitle: 'Médiateur numérique, coordinateur PDN32',
    displayName: 'Olivier, coordinateur PDN32 (IMAJ)',
    phone: '05 36 49 10 11',
    themes: ['DIGITAL_PRACTICES', 'CYBERBULLYING', 'CITIZENSHIP'],
    audiences: ['YOUTH', 'PARENTS'],
    channels: [instagram('olivier.pdn32'), discord('olivier.pdn32'), facebook('Olivier Promeneur du Net Gers')],
    weeklyHoursCommitment: 4,
    outcome: ACTIVE,
  },
];

// -------------------------------------------------------------------------------------- promeneurs

export const PROMENEURS: SeedPromeneur[] = [
  // BIJ d'Auch
  {
    firstName: 'Isabelle',
    lastName: 'Lacoste',
    email: 'isabelle.lacoste@auch.pdn32.test',
    structure: 'bij-auch',
    invitedBy: 'imaj',
    jobTitle: 'Informatrice jeunesse',
    displayName: "Isabelle du BIJ d'Auch",
    phone: '06 39 98 20 01',
    themes: ['ORIENTATION', 'HOUSING', 'MOBILITY', 'EMPLOYMENT'],
    audiences: ['YOUTH'],
    channels: [instagram('isabelle.bij.auch'), snapchat('isa.bij.auch'), tiktok('isabelle.bij.auch')],
    weeklyHoursCommitment: 4,
    outcome: ACTIVE,
  },
  {
    firstName: 'Karim',
    lastName: 'Benali',
    email: 'karim.benali@auch.pdn32.test',
    structure: 'bij-auch',
    invitedBy: 'imaj',
    jobTitle: 'Informateur jeunesse',
    themes: ['ORIENTATION', 'TRAINING', 'CITIZENSHIP', 'LEISURE'],
    audiences: ['YOUTH'],
    channels: [instagram('karim.bij.auch'), discord('karim.bij.auch')],
    weeklyHoursCommitment: 3,
    outcome: ACTIVE,
  },
  // Maison des adolescents du Gers
  {
    firstName: 'Claire',
    lastName: 'Dubarry',
    email: 'claire.dubarry@mda32.pdn32.test',
    structure: 'mda-auch',
    invitedBy: 'caf',
    jobTitle: 'Psychologue',
    themes: ['HEALTH', 'CYBERBULLYING', 'PARENTING'],
    audiences: ['YOUTH', 'PARENTS'],
    channels: [instagram('claire.mda32'), facebook('Claire Maison des ados du Gers')],
    weeklyHoursCommitment: 2,
    outcome: ACTIVE,
  },
  {
    firstName: 'Julien',
    lastName: 'Abadie',
    email: 'julien.abadie@mda32.pdn32.test',
    structure: 'mda-auch',
    invitedBy: 'caf',
    jobTitle: 'Éducateur spécialisé',
    themes: ['ADDICTION', 'SEXUAL_HEALTH', 'HEALTH', 'CYBERBULLYING'],
    audiences: ['YOUTH'],
    channels: [snapchat('julien.mda32'), instagram('julien.mda32')],
    weeklyHoursCommitment: 3,
    outcome: ACTIVE,
  },
  {
    firstName: 'Sophie',
    lastName: 'Nguyen',
    email: 'sophie.nguyen@mda32.pdn32.test',
    structure: 'mda-auch',
    invitedBy: 'caf',
    jobTitle: 'Infirmière',
    themes: ['SEXUAL_HEALTH', 'HEALTH', 'ADDICTION'],
    audiences: ['YOUTH'],
    channels: [instagram('sophie.mda32')],
    weeklyHoursCommitment: 2,
    outcome: { status: 'CANDIDATE', charterAccepted: false },
  },
  // Mission locale du Gers
  {
    firstName: 'Aurélie',
    lastName: 'Barrère',
    email: 'aurelie.barrere@missionlocale32.pdn32.test',
    structure: 'ml-auch',
    invitedBy: 'imaj',
    jobTitle: 'Conseillère mission locale',
    themes: ['EMPLOYMENT', 'TRAINING', 'ORIENTATION', 'MOBILITY'],
    audiences: ['YOUTH'],
    channels: [instagram('aurelie.ml32'), facebook('Aurélie Mission locale Gers')],
    weeklyHoursCommitment: 3,
    outcome: ACTIVE,
  },
  {
    firstName: 'Mathieu',
    lastName: 'Castéra',
    email: 'mathieu.castera@missionlocale32.pdn32.test',
    structure: 'ml-auch',
    invitedBy: 'imaj',
    jobTitle: 'Conseiller mission locale',
    phone: '06 39 98 20 07',
    themes: ['EMPLOYMENT', 'HOUSING', 'MOBILITY'],
    audiences: ['YOUTH'],
    channels: [snapchat('mathieu.ml32'), whatsapp('+33 6 39 98 20 07')],
    weeklyHoursCommitment: 2.5,
    outcome: ACTIVE,
  },
  // Prévention spécialisée de la Ténarèze (Condom)
  {
    firstName: 'Sofiane',
    lastName: 'Haddad',
    email: 'sofiane.haddad@tenareze.pdn32.test',
    structure: 'prev-condom',
    invitedBy: 'imaj',
    jobTitle: 'Éducateur spécialisé',
    phone: '06 39 98 20 08',
    themes: ['ADDICTION', 'DISCRIMINATION', 'SCHOOLING', 'CYBERBULLYING'],
    audiences: ['YOUTH'],
    channels: [snapchat('sofiane.prev32'), instagram('sofiane.prev.condom'), tiktok('sofiane.prev.condom')],
    weeklyHoursCommitment: 5,
    outcome: ACTIVE,
  },
  {
    firstName: 'Marion',
    lastName: 'Laborde',
    email: 'marion.laborde@tenareze.pdn32.test',
    structure: 'prev-condom',
    invitedBy: 'imaj',
    jobTitle: 'Éducatrice spécialisée',
    themes: ['CYBERBULLYING', 'SEXUAL_HEALTH', 'SCHOOLING'],
    audiences: ['YOUTH', 'PARENTS'],
    channels: [instagram('marion.prev.condom'), snapchat('marion.prev32')],
    weeklyHoursCommitment: 4,
    outcome: ACTIVE,
  },
  // Centre social de Fleurance
  {
    firstName: 'Élodie',
    lastName: 'Ducos',
    email: 'elodie.ducos@cs-fleurance.pdn32.test',
    structure: 'cs-fleurance',
    invitedBy: 'caf',
    jobTitle: 'Référente famille',
    themes: ['PARENTING', 'SCHOOLING', 'DIGITAL_PRACTICES'],
    audiences: ['PARENTS', 'YOUTH'],
    channels: [facebook('Élodie Centre social Fleurance')],
    weeklyHoursCommitment: 2,
    outcome: ACTIVE,
  },
  {
    firstName: 'Thomas',
    lastName: 'Lafitte',
    email: 'thomas.lafitte@cs-fleurance.pdn32.test',
    structure: 'cs-fleurance',
    invitedBy: 'caf',
    jobTitle: 'Animateur jeunesse',
    themes: ['LEISURE', 'SPORT', 'CITIZENSHIP'],
    audiences: ['YOUTH'],
    channels: [instagram('thomas.cs.fleurance'), snapchat('thomas.csf32'), discord('thomas.cs.fleurance')],
    weeklyHoursCommitment: 3,
    outcome: ACTIVE,
  },
  // PIJ de Lectoure
  {
    firstName: 'Camille',
    lastName: 'Soulé',
    email: 'camille.soule@lectoure.pdn32.test',
    structure: 'pij-lectoure',
    invitedBy: 'imaj',
    jobTitle: 'Informatrice jeunesse',
    themes: ['ORIENTATION', 'HOUSING', 'CULTURE', 'MOBILITY'],
    audiences: ['YOUTH'],
    channels: [instagram('camille.pij.lectoure'), tiktok('camille.pij.lectoure')],
    weeklyHoursCommitment: 3,
    outcome: ACTIVE,
  },
  {
    firstName: 'Bastien',
    lastName: 'Idrac',
    email: 'bastien.idrac@lectoure.pdn32.test',
    structure: 'pij-lectoure',
    invitedBy: 'imaj',
    jobTitle: 'Animateur multimédia',
    themes: ['DIGITAL_PRACTICES', 'CULTURE', 'LEISURE'],
    audiences: ['YOUTH'],
    channels: [discord('bastien.pij32'), instagram('bastien.pij.lectoure')],
    weeklyHoursCommitment: 2,
    outcome: { status: 'CANDIDATE', charterAccepted: true },
  },
  // Centre social de l'Astarac (Mirande)
  {
    firstName: 'Nadia',
    lastName: 'Traoré',
    email: 'nadia.traore@cs-astarac.pdn32.test',
    structure: 'cs-mirande',
    invitedBy: 'caf',
    jobTitle: 'Animatrice jeunesse',
    phone: '06 39 98 20 14',
    themes: ['LEISURE', 'CITIZENSHIP', 'DISCRIMINATION', 'SPORT'],
    audiences: ['YOUTH'],
    channels: [instagram('nadia.cs.astarac'), snapchat('nadia.csa32')],
    weeklyHoursCommitment: 3,
    outcome: ACTIVE,
  },
  {
    firstName: 'Pascal',
    lastName: 'Larrieu',
    email: 'pascal.larrieu@cs-astarac.pdn32.test',
    structure: 'cs-mirande',
    invitedBy: 'caf',
    jobTitle: 'Directeur du centre social',
    themes: ['PARENTING', 'CITIZENSHIP'],
    audiences: ['PARENTS'],
    channels: [facebook('Pascal Centre social Astarac')],
    weeklyHoursCommitment: 2,
    outcome: {
      status: 'SUSPENDED',
      reason: 'Changement de poste au sein de la structure : présence en ligne suspendue en attendant la reprise de la mission.',
    },
  },
  // Service jeunesse de L'Isle-Jourdain
  {
    firstName: 'Léa',
    lastName: 'Fourcade',
    email: 'lea.fourcade@mairie-islejourdain.pdn32.test',
    structure: 'sj-isle',
    invitedBy: 'imaj',
    jobTitle: 'Animatrice jeunesse',
    themes: ['LEISURE', 'SPORT', 'CULTURE', 'CITIZENSHIP'],
    audiences: ['YOUTH'],
    channels: [instagram('lea.jeunesse.isle'), tiktok('lea.jeunesse.isle'), snapchat('lea.isle32')],
    weeklyHoursCommitment: 4,
    outcome: ACTIVE,
  },
  {
    firstName: 'Romain',
    lastName: 'Pujol',
    email: 'romain.pujol@mairie-islejourdain.pdn32.test',
    structure: 'sj-isle',
    invitedBy: 'imaj',
    jobTitle: 'Coordinateur enfance-jeunesse',
    themes: ['ORIENTATION', 'CITIZENSHIP', 'MOBILITY'],
    audiences: ['YOUTH', 'PARENTS'],
    channels: [instagram('romain.jeunesse.isle'), facebook('Romain Service jeunesse Isle-Jourdain')],
    weeklyHoursCommitment: 2,
    outcome: ACTIVE,
  },
  {
    firstName: 'Inès',
    lastName: 'Da Silva',
    email: 'ines.dasilva@mairie-islejourdain.pdn32.test',
    structure: 'sj-isle',
    invitedBy: 'imaj',
    jobTitle: 'Animatrice jeunesse',
    themes: ['LEISURE', 'DIGITAL_PRACTICES', 'SPORT'],
    audiences: ['YOUTH'],
    channels: [tiktok('ines.jeunesse.isle'), snapchat('ines.isle32')],
    weeklyHoursCommitment: 2,
    outcome: { status: 'CANDIDATE', charterAccepted: false },
  },
  // MJC d'Eauze
  {
    firstName: 'Maxime',
    lastName: 'Lartigue',
    email: 'maxime.lartigue@mjc-eauze.pdn32.test',
    structure: 'mjc-eauze',
    invitedBy: 'imaj',
    jobTitle: 'Animateur jeunesse',
    themes: ['CULTURE', 'LEISURE', 'DIGITAL_PRACTICES'],
    audiences: ['YOUTH'],
    channels: [instagram('maxime.mjc.eauze'), discord('maxime.mjc.eauze'), tiktok('maxime.mjc.eauze')],
    weeklyHoursCommitment: 4,
    outcome: ACTIVE,
  },
  {
    firstName: 'Chloé',
    lastName: 'Bégué',
    email: 'chloe.begue@mjc-eauze.pdn32.test',
    structure: 'mjc-eauze',
    invitedBy: 'imaj',
    jobTitle: 'Directrice de MJC',
    themes: ['CULTURE', 'CITIZENSHIP', 'PARENTING'],
    audiences: ['YOUTH', 'PARENTS'],
    channels: [facebook('Chloé MJC Eauze'), instagram('chloe.mjc.eauze')],
    weeklyHoursCommitment: 2,
    outcome: ACTIVE,
  },
  // Centre social du Bas-Armagnac (Nogaro)
  {
    firstName: 'Yannick',
    lastName: 'Dupouy',
    email: 'yannick.dupouy@cs-basarmagnac.pdn32.test',
    structure: 'cs-nogaro',
    invitedBy: 'caf',
    jobTitle: 'Animateur jeunesse',
    phone: '06 39 98 20 21',
    themes: ['SPORT', 'LEISURE', 'MOBILITY'],
    audiences: ['YOUTH'],
    channels: [instagram('yannick.cs.nogaro'), snapchat('yannick.csn32')],
    weeklyHoursCommitment: 3,
    outcome: ACTIVE,
  },
  {
    firstName: 'Céline',
    lastName: 'Médevielle',
    email: 'celine.medevielle@cs-basarmagnac.pdn32.test',
    structure: 'cs-nogaro',
    invitedBy: 'caf',
    jobTitle: 'Conseillère en économie sociale et familiale',
    themes: ['HOUSING', 'PARENTING', 'DIGITAL_PRACTICES'],
    audiences: ['PARENTS', 'YOUTH'],
    channels: [facebook('Céline Centre social Bas-Armagnac')],
    weeklyHoursCommitment: 2,
    outcome: ACTIVE,
  },
  // Espace jeunes de Vic-Fezensac
  {
    firstName: 'Hugo',
    lastName: 'Campistron',
    email: 'hugo.campistron@vic-fezensac.pdn32.test',
    structure: 'ej-vic',
    invitedBy: 'imaj',
    jobTitle: 'Animateur jeunesse',
    themes: ['LEISURE', 'SPORT', 'CULTURE'],
    audiences: ['YOUTH'],
    channels: [instagram('hugo.ej.vic'), snapchat('hugo.ejvic32'), tiktok('hugo.ej.vic')],
    weeklyHoursCommitment: 5,
    outcome: ACTIVE,
  },
  {
    firstName: 'Manon',
    lastName: 'Tauzin',
    email: 'manon.tauzin@vic-fezensac.pdn32.test',
    structure: 'ej-vic',
    invitedBy: 'imaj',
    jobTitle: 'Animatrice prévention',
    themes: ['ADDICTION', 'HEALTH', 'CYBERBULLYING'],
    audiences: ['YOUTH'],
    channels: [instagram('manon.ej.vic'), discord('manon.ej.vic')],
    weeklyHoursCommitment: 3,
    outcome: ACTIVE,
  },
  // MJC du Savès (Samatan)
  {
    firstName: 'Florian',
    lastName: 'Cazaux',
    email: 'florian.cazaux@mjc-saves.pdn32.test',
    structure: 'mjc-samatan',
    invitedBy: 'caf',
    jobTitle: 'Animateur jeunesse',
    themes: ['CULTURE', 'LEISURE', 'DIGITAL_PRACTICES'],
    audiences: ['YOUTH'],
    channels: [discord('florian.mjc.saves'), instagram('florian.mjc.saves'), tiktok('florian.mjc.saves')],
    weeklyHoursCommitment: 6,
    outcome: ACTIVE,
  },
  {
    firstName: 'Laura',
    lastName: 'Baylac',
    email: 'laura.baylac@mjc-saves.pdn32.test',
    structure: 'mjc-samatan',
    invitedBy: 'caf',
    jobTitle: 'Médiatrice numérique',
    themes: ['DIGITAL_PRACTICES', 'CYBERBULLYING', 'PARENTING'],
    audiences: ['YOUTH', 'PARENTS'],
    channels: [instagram('laura.mjc.saves'), facebook('Laura MJC du Savès')],
    weeklyHoursCommitment: 3,
    outcome: ACTIVE,
  },
  // PIJ de Gimont
  {
    firstName: 'Émilie',
    lastName: 'Goulard',
    email: 'emilie.goulard@gimont.pdn32.test',
    structure: 'pij-gimont',
    invitedBy: 'imaj',
    jobTitle: 'Informatrice jeunesse',
    phone: '06 39 98 20 26',
    themes: ['ORIENTATION', 'EMPLOYMENT', 'HOUSING', 'TRAINING'],
    audiences: ['YOUTH'],
    channels: [instagram('emilie.pij.gimont'), snapchat('emilie.pij32')],
    weeklyHoursCommitment: 3,
    outcome: ACTIVE,
  },
  {
    firstName: 'Kévin',
    lastName: 'Mauran',
    email: 'kevin.mauran@gimont.pdn32.test',
    structure: 'pij-gimont',
    invitedBy: 'imaj',
    jobTitle: 'Animateur jeunesse',
    themes: ['SPORT', 'LEISURE', 'CITIZENSHIP'],
    audiences: ['YOUTH'],
    channels: [tiktok('kevin.pij.gimont'), instagram('kevin.pij.gimont')],
    weeklyHoursCommitment: 2,
    outcome: ACTIVE,
  },
  // Foyer rural de Marciac
  {
    firstName: 'Pauline',
    lastName: 'Saint-Martin',
    email: 'pauline.saintmartin@marciac.pdn32.test',
    structure: 'fr-marciac',
    invitedBy: 'caf',
    jobTitle: 'Animatrice jeunesse',
    themes: ['CULTURE', 'LEISURE', 'MOBILITY'],
    audiences: ['YOUTH'],
    channels: [instagram('pauline.foyer.marciac'), facebook('Pauline Foyer rural Marciac')],
    weeklyHoursCommitment: 2.5,
    outcome: ACTIVE,
  },
  {
    firstName: 'Baptiste',
    lastName: 'Daguzan',
    email: 'baptiste.daguzan@marciac.pdn32.test',
    structure: 'fr-marciac',
    invitedBy: 'caf',
    jobTitle: 'Animateur socioculturel',
    themes: ['CULTURE', 'SPORT', 'CITIZENSHIP'],
    audiences: ['YOUTH'],
    channels: [snapchat('baptiste.frm32'), instagram('baptiste.foyer.marciac')],
    weeklyHoursCommitment: 2,
    outcome: ACTIVE,
  },
  // IMAJ's own field worker, who also republishes the network's initiatives.
  {
    firstName: 'Sarah',
    lastName: 'Lamothe',
    email: 'sarah.lamothe@imaj.pdn32.test',
    structure: 'imaj',
    invitedBy: 'imaj',
    jobTitle: 'Animatrice numérique',
    themes: ['DIGITAL_PRACTICES', 'CYBERBULLYING', 'CITIZENSHIP', 'CULTURE'],
    audiences: ['YOUTH', 'PARENTS'],
    channels: [instagram('sarah.imaj32'), tiktok('sarah.imaj32'), discord('sarah.imaj32')],
    weeklyHoursCommitment: 6,
    outcome: ACTIVE,
  },
];

export function structureByKey(key: string): SeedStructure {
  const structure = STRUCTURES.find((s) => s.key === key);
  if (!structure) throw new Error(`gers-network: no structure "${key}"`);
  return structure;
}

export function coordinatorByKey(key: SeedCoordinator['key']): SeedCoordinator {
  const coordinator = COORDINATORS.find((c) => c.key === key);
  if (!coordinator) throw new Error(`gers-network: no coordinator "${key}"`);
  return coordinator;
}
