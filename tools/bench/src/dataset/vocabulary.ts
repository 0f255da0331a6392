/**
 * The words the national dataset is made of: départements and their prefectures, made-up people and
 * structures, and the contract's enum values as the subgraphs store them. Everything about people is
 * invented; addresses use the reserved `.test` domain and phone numbers the ranges ARCEP keeps for
 * fiction, so the dataset can never reach anyone. Nothing here describes a young person: the network
 * holds data about professionals only.
 */

export interface Department {
  code: string;
  name: string;
  prefecture: string;
}

/**
 * The 100 départements of the dataset, the Gers first (every reduced scale keeps the département the
 * demo and the docs talk about), then the Nord (so that even the quick scale has one of the big
 * networks), then INSEE order; Mayotte is left out to make 100.
 */
export const DEPARTMENTS: readonly Department[] = [
  ['32', 'Gers', 'Auch'],
  ['59', 'Nord', 'Lille'],
  ['01', 'Ain', 'Bourg-en-Bresse'],
  ['02', 'Aisne', 'Laon'],
  ['03', 'Allier', 'Moulins'],
  ['04', 'Alpes-de-Haute-Provence', 'Digne-les-Bains'],
  ['05', 'Hautes-Alpes', 'Gap'],
  ['06', 'Alpes-Maritimes', 'Nice'],
  ['07', 'Ardèche', 'Privas'],
  ['08', 'Ardennes', 'Charleville-Mézières'],
  ['09', 'Ariège', 'Foix'],
  ['10', 'Aube', 'Troyes'],
  ['11', 'Aude', 'Carcassonne'],
  ['12', 'Aveyron', 'Rodez'],
  ['13', 'Bouches-du-Rhône', 'Marseille'],
  ['14', 'Calvados', 'Caen'],
  ['15', 'Cantal', 'Aurillac'],
  ['16', 'Charente', 'Angoulême'],
  ['17', 'Charente-Maritime', 'La Rochelle'],
  ['18', 'Cher', 'Bourges'],
  ['19', 'Corrèze', 'Tulle'],
  ['2A', 'Corse-du-Sud', 'Ajaccio'],
  ['2B', 'Haute-Corse', 'Bastia'],
  ['21', "Côte-d'Or", 'Dijon'],
  ['22', "Côtes-d'Armor", 'Saint-Brieuc'],
  ['23', 'Creuse', 'Guéret'],
  ['24', 'Dordogne', 'Périgueux'],
  ['25', 'Doubs', 'Besançon'],
  ['26', 'Drôme', 'Valence'],
  ['27', 'Eure', 'Évreux'],
  ['28', 'Eure-et-Loir', 'Chartres'],
  ['29', 'Finistère', 'Quimper'],
  ['30', 'Gard', 'Nîmes'],
  ['31', 'Haute-Garonne', 'Toulouse'],
  ['33', 'Gironde', 'Bordeaux'],
  ['34', 'Hérault', 'Montpellier'],
  ['35', 'Ille-et-Vilaine', 'Rennes'],
  ['36', 'Indre', 'Châteauroux'],
  ['37', 'Indre-et-Loire', 'Tours'],
  ['38', 'Isère', 'Grenoble'],
  ['39', 'Jura', 'Lons-le-Saunier'],
  ['40', 'Landes', 'Mont-de-Marsan'],
  ['41', 'Loir-et-Cher', 'Blois'],
  ['42', 'Loire', 'Saint-Étienne'],
  ['43', 'Haute-Loire', 'Le Puy-en-Velay'],
  ['44', 'Loire-Atlantique', 'Nantes'],
  ['45', 'Loiret', 'Orléans'],
  ['46', 'Lot', 'Cahors'],
  ['47', 'Lot-et-Garonne', 'Agen'],
  ['48', 'Lozère', 'Mende'],
  ['49', 'Maine-et-Loire', 'Angers'],
  ['50', 'Manche', 'Saint-Lô'],
  ['51', 'Marne', 'Châlons-en-Champagne'],
  ['52', 'Haute-Marne', 'Chaumont'],
  ['53', 'Mayenne', 'Laval'],
  ['54', 'Meurthe-et-Moselle', 'Nancy'],
  ['55', 'Meuse', 'Bar-le-Duc'],
  ['56', 'Morbihan', 'Vannes'],
  ['57', 'Moselle', 'Metz'],
  ['58', 'Nièvre', 'Nevers'],
  ['60', 'Oise', 'Beauvais'],
  ['61', 'Orne', 'Alençon'],
  ['62', 'Pas-de-Calais', 'Arras'],
  ['63', 'Puy-de-Dôme', 'Clermont-Ferrand'],
  ['64', 'Pyrénées-Atlantiques', 'Pau'],
  ['65', 'Hautes-Pyrénées', 'Tarbes'],
  ['66', 'Pyrénées-Orientales', 'Perpignan'],
  ['67', 'Bas-Rhin', 'Strasbourg'],
  ['68', 'Haut-Rhin', 'Colmar'],
  ['69', 'Rhône', 'Lyon'],
  ['70', 'Haute-Saône', 'Vesoul'],
  ['71', 'Saône-et-Loire', 'Mâcon'],
  ['72', 'Sarthe', 'Le Mans'],
  ['73', 'Savoie', 'Chambéry'],
  ['74', 'Haute-Savoie', 'Annecy'],
  ['75', 'Paris', 'Paris'],
  ['76', 'Seine-Maritime', 'Rouen'],
  ['77', 'Seine-et-Marne', 'Melun'],
  ['78', 'Yvelines', 'Versailles'],
  ['79', 'Deux-Sèvres', 'Niort'],
  ['80', 'Somme', 'Amiens'],
  ['81', 'Tarn', 'Albi'],
  ['82', 'Tarn-et-Garonne', 'Montauban'],
  ['83', 'Var', 'Toulon'],
  ['84', 'Vaucluse', 'Avignon'],
  ['85', 'Vendée', 'La Roche-sur-Yon'],
  ['86', 'Vienne', 'Poitiers'],
  ['87', 'Haute-Vienne', 'Limoges'],
  ['88', 'Vosges', 'Épinal'],
  ['89', 'Yonne', 'Auxerre'],
  ['90', 'Territoire de Belfort', 'Belfort'],
  ['91', 'Essonne', 'Évry-Courcouronnes'],
  ['92', 'Hauts-de-Seine', 'Nanterre'],
  ['93', 'Seine-Saint-Denis', 'Bobigny'],
  ['94', 'Val-de-Marne', 'Créteil'],
  ['95', "Val-d'Oise", 'Cergy'],
  ['971', 'Guadeloupe', 'Basse-Terre'],
  ['972', 'Martinique', 'Fort-de-France'],
  ['973', 'Guyane', 'Cayenne'],
  ['974', 'La Réunion', 'Saint-Denis'],
].map(([code, name, prefecture]) => ({ code: code!, name: name!, prefecture: prefecture! }));

/**
 * How much bigger than a typical département's network the most populous ones are (the programme
 * reports 20 to 80 active promeneurs a département): the Nord's ends up with about a hundred members
 * at national scale, the size of the coordinators' largest reports.
 */
export const NETWORK_SIZE: Readonly<Record<string, number>> = {
  '59': 3.2, '75': 3.0, '13': 2.8, '69': 2.6, '33': 2.4, '31': 2.4, '93': 2.2, '92': 2.0, '62': 2.0, '44': 1.8,
};

/** A plausible postal code for the prefecture: the département's "000" office. */
export function postalCodeOf(department: Department): string {
  if (department.code === '2A') return '20000';
  if (department.code === '2B') return '20200';
  return department.code.length === 3 ? `${department.code}00` : `${department.code}000`;
}

export const FIRST_NAMES = [
  'Isabelle', 'Sofiane', 'Bastien', 'Nathalie', 'Olivier', 'Camille', 'Mathieu', 'Leïla', 'Julien', 'Aurélie',
  'Karim', 'Émilie', 'Thomas', 'Sandrine', 'Yannick', 'Nadia', 'Romain', 'Céline', 'Mehdi', 'Laure',
  'Nicolas', 'Fatou', 'Guillaume', 'Hélène', 'Rachid', 'Marion', 'Sébastien', 'Amandine', 'Jérôme', 'Inès',
  'Benoît', 'Chloé', 'Franck', 'Mélanie', 'Samir', 'Pauline', 'Cédric', 'Anaïs', 'Loïc', 'Sarah',
  'David', 'Claire', 'Hugo', 'Sonia', 'Maxime', 'Virginie', 'Adrien', 'Élodie', 'Youssef', 'Manon',
  'Gaëlle', 'Pierre', 'Aïcha', 'François', 'Justine', 'Damien', 'Ophélie', 'Christophe', 'Myriam', 'Kevin',
];

export const LAST_NAMES = [
  'Lacoste', 'Haddad', 'Idrac', 'Sempé', 'Carrère', 'Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Moreau',
  'Laurent', 'Garcia', 'Roux', 'Fournier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau',
  'Vincent', 'Muller', 'Faure', 'André', 'Mercier', 'Blanc', 'Guérin', 'Boyer', 'Garnier', 'Chevalier',
  'François', 'Legrand', 'Gauthier', 'Perrin', 'Robin', 'Clément', 'Morin', 'Nicolas', 'Henry', 'Roussel',
  'Mathieu', 'Gautier', 'Masson', 'Marchand', 'Duval', 'Denis', 'Lemaire', 'Benali', 'Diallo', 'Nguyen',
  'Lopez', 'Fabre', 'Barbier', 'Arnaud', 'Brunet', 'Rey', 'Caron', 'Giraud', 'Leclerc', 'Ferhat',
];

export const STRUCTURE_KINDS = {
  SOCIAL_CENTER: 20,
  YOUTH_CLUB: 15,
  YOUTH_INFORMATION: 15,
  LOCAL_MISSION: 12,
  MUNICIPAL_YOUTH_SERVICE: 14,
  SPECIALISED_PREVENTION: 8,
  ADOLESCENT_HOUSE: 5,
  SCHOOL: 3,
  ASSOCIATION: 7,
  OTHER: 1,
} as const;
export type StructureKindName = keyof typeof STRUCTURE_KINDS;

/** How each kind of structure is usually named, before "de <commune>" or a quarter's name. */
export const STRUCTURE_NAME_STEMS: Readonly<Record<StructureKindName, readonly string[]>> = {
  SOCIAL_CENTER: ['Centre social', 'Espace de vie sociale', 'Maison des habitants'],
  YOUTH_CLUB: ['MJC', 'Foyer des jeunes', 'Maison des jeunes'],
  YOUTH_INFORMATION: ['BIJ', 'PIJ', 'Point information jeunesse'],
  LOCAL_MISSION: ['Mission locale'],
  MUNICIPAL_YOUTH_SERVICE: ['Service jeunesse', 'Espace jeunes', 'Pôle jeunesse'],
  SPECIALISED_PREVENTION: ['Prévention spécialisée', 'Club de prévention'],
  ADOLESCENT_HOUSE: ['Maison des adolescents'],
  SCHOOL: ['Lycée professionnel', 'Collège'],
  ASSOCIATION: ['Association Ricochets', 'Association Passerelles', 'Association Trait d’union', 'Association Horizons'],
  OTHER: ['Médiathèque', 'Tiers-lieu numérique'],
};

export const QUARTERS = [
  'du Centre', 'des Capucins', 'du Garros', 'Jean Moulin', 'Nord', 'Sud', 'des Trois Rivières', 'Louise Michel',
  'du Grand Pré', 'de la Gare', 'Simone Veil', 'des Tilleuls', 'Victor Hugo', 'du Moulin', 'des Coteaux',
];

export const STREETS = [
  'rue de la République', 'avenue Jean Jaurès', 'place de la Mairie', 'rue Victor Hugo', 'boulevard Gambetta',
  'rue des Écoles', 'allée des Platanes', 'rue du 8 Mai 1945', 'chemin des Vignes', 'rue Pasteur',
];

export const JOB_TITLES = [
  'Animateur jeunesse', 'Animatrice jeunesse', 'Éducateur spécialisé', 'Éducatrice spécialisée',
  'Informatrice jeunesse', 'Informateur jeunesse', 'Conseillère en insertion', 'Conseiller mission locale',
  'Coordinatrice jeunesse', 'Médiateur numérique', 'Animatrice de prévention', 'Référent famille',
];

export const COORDINATOR_JOB_TITLES = ['Conseillère technique CAF', 'Chargé de mission Promeneurs du Net', 'Coordinatrice départementale'];

export const SOCIAL_NETWORKS = ['INSTAGRAM', 'SNAPCHAT', 'TIKTOK', 'DISCORD', 'FACEBOOK', 'WHATSAPP', 'YOUTUBE', 'TWITCH', 'X'] as const;
export type SocialNetworkName = (typeof SOCIAL_NETWORKS)[number];
/** What promeneurs actually use: Instagram, Snapchat and Facebook first (Loire 2019 figures). */
export const NETWORK_WEIGHTS: Readonly<Record<SocialNetworkName, number>> = {
  INSTAGRAM: 30, SNAPCHAT: 22, FACEBOOK: 16, TIKTOK: 12, DISCORD: 8, WHATSAPP: 6, YOUTUBE: 2, TWITCH: 2, X: 2,
};

export const THEMES = [
  'ORIENTATION', 'EMPLOYMENT', 'TRAINING', 'HEALTH', 'SEXUAL_HEALTH', 'ADDICTION', 'DIGITAL_PRACTICES', 'CYBERBULLYING',
  'LEISURE', 'CULTURE', 'SPORT', 'HOUSING', 'MOBILITY', 'CITIZENSHIP', 'PARENTING', 'SCHOOLING', 'DISCRIMINATION',
] as const;
export type ThemeName = (typeof THEMES)[number];

/** How a theme reads in a sentence. */
export const THEME_WORDS: Readonly<Record<ThemeName, string>> = {
  ORIENTATION: 'orientation', EMPLOYMENT: 'emploi', TRAINING: 'formation', HEALTH: 'santé',
  SEXUAL_HEALTH: 'santé sexuelle', ADDICTION: 'addictions', DIGITAL_PRACTICES: 'pratiques numériques',
  CYBERBULLYING: 'cyberharcèlement', LEISURE: 'loisirs', CULTURE: 'culture', SPORT: 'sport', HOUSING: 'logement',
  MOBILITY: 'mobilité', CITIZENSHIP: 'citoyenneté', PARENTING: 'parentalité', SCHOOLING: 'scolarité',
  DISCRIMINATION: 'discriminations',
};

/** Request categories with the Loire 2019 shares (daily life 44.6 %, structures 25.8 %…). */
export const REQUEST_CATEGORY_WEIGHTS = {
  DAILY_LIFE_PREVENTION: 44.6,
  STRUCTURE_INFO: 25.8,
  PROJECT_SUPPORT: 13.1,
  DIGITAL_PRACTICES: 10.4,
  PERSONAL: 6.1,
} as const;
export type RequestCategoryName = keyof typeof REQUEST_CATEGORY_WEIGHTS;

export type EventKindName = 'INITIAL_TRAINING' | 'TRAINING' | 'WORKSHOP' | 'REGROUPEMENT' | 'REGIONAL_DAY' | 'WEBINAR';

/**
 * A département's programme over eighteen months, in the order its events are numbered: one
 * regional day, about three regroupement days a year, initial trainings for newcomers, trainings,
 * workshops and webinars.
 */
export const EVENT_PROGRAMME: readonly EventKindName[] = [
  'REGIONAL_DAY', 'REGROUPEMENT', 'WORKSHOP', 'INITIAL_TRAINING', 'WEBINAR', 'TRAINING', 'WORKSHOP', 'REGROUPEMENT',
  'TRAINING', 'WEBINAR', 'WORKSHOP', 'REGROUPEMENT', 'INITIAL_TRAINING', 'TRAINING', 'WORKSHOP', 'WEBINAR',
  'REGROUPEMENT', 'TRAINING', 'WORKSHOP', 'WORKSHOP',
];

export const EVENT_TITLES: Readonly<Record<EventKindName, readonly string[]>> = {
  INITIAL_TRAINING: ['Formation initiale des Promeneurs du Net', 'Devenir Promeneur du Net : formation initiale'],
  TRAINING: ['Formation : accompagner sans juger en ligne', 'Formation : repérer les situations de détresse', 'Formation : cadre éthique et déontologie du travail en ligne'],
  WORKSHOP: ['Atelier : animer un compte Instagram professionnel', 'Atelier : Discord pour les pros de la jeunesse', 'Atelier : répondre à un message inquiétant', 'Atelier : TikTok, tendances et vigilance'],
  REGROUPEMENT: ['Regroupement départemental des promeneurs', 'Journée de regroupement du réseau', 'Regroupement : échanges de pratiques'],
  REGIONAL_DAY: ['Journée régionale des Promeneurs du Net', 'Rencontre régionale : présence éducative en ligne'],
  WEBINAR: ['Webinaire : les nouveaux usages des jeunes en ligne', 'Webinaire : cyberharcèlement, que faire ?', 'Webinaire : santé mentale et réseaux sociaux'],
};

export type PostKindName = 'NEWS' | 'RESOURCE' | 'INITIATIVE' | 'OPPORTUNITY' | 'QUESTION';
export const POST_KIND_WEIGHTS: Readonly<Record<PostKindName, number>> = { NEWS: 30, RESOURCE: 20, INITIATIVE: 25, OPPORTUNITY: 10, QUESTION: 15 };

/** Titles per kind; `{t}` is a theme ("santé", "cyberharcèlement"…), `{c}` a commune, `{n}` a network. */
export const POST_TITLES: Readonly<Record<PostKindName, readonly string[]>> = {
  NEWS: ['Nouveau guide – {t}', 'Retour sur la semaine « {t} » à {c}', 'Ce qui change cette année : {t}', 'Un espace dédié ({t}) ouvre à {c}'],
  RESOURCE: ['Fiche pratique : {t} et réseaux sociaux', 'Ressource utile – {t}', 'Kit d’animation pour les pros : {t}', 'Vidéo pédagogique : {t}'],
  INITIATIVE: ['Permanence {n} spéciale « {t} » à {c}', 'Notre live {n} : {t}', 'Projet collectif à {c} : {t}', 'Café-débat « {t} » au local jeunes de {c}'],
  OPPORTUNITY: ['Appel à projets jeunesse – {t}', 'Formation gratuite : {t}', 'Recherche de partenaires à {c} : {t}'],
  QUESTION: ['Comment abordez-vous le thème « {t} » sur {n} ?', 'Vos outils pour parler de {t} ?', 'Une ressource à conseiller : {t} ?'],
};

/** Sentences of a post body; the same slots. Never about a particular young person. */
export const POST_SENTENCES = [
  'Nous avons ouvert une permanence en ligne le mercredi soir sur {n}, avec une attention particulière au thème « {t} ».',
  'Les jeunes nous sollicitent de plus en plus sur ce sujet ({t}) : voici ce que nous avons mis en place à {c}.',
  'La ressource est librement réutilisable par les structures du réseau.',
  'Le harcèlement en ligne reste le premier sujet de préoccupation remonté par les promeneurs.',
  'Merci aux partenaires du territoire pour leur mobilisation.',
  'Un temps d’échange entre professionnels est prévu le mois prochain.',
  'Nous partageons nos supports d’animation et un retour d’expérience.',
  'Pensez à orienter vers les dispositifs d’écoute existants en cas de détresse.',
  'Les inscriptions se font auprès de la coordination départementale.',
  'Vos retours et vos questions sont les bienvenus en commentaire.',
  'Le point information jeunesse de {c} accueille aussi sans rendez-vous.',
  'La fréquentation de nos permanences {n} est en hausse ce trimestre.',
];

export const COMMENT_TEXTS = [
  'Merci pour le partage, très utile !',
  'On a mis en place quelque chose de similaire, je vous envoie nos supports.',
  'Super initiative, bravo à l’équipe.',
  'Est-ce que la ressource existe en version imprimable ?',
  'Je relaie auprès de mes collègues.',
  'Intéressant, on en parle au prochain regroupement ?',
  'Nous avons eu le même retour sur nos permanences du soir.',
  'Merci, je cherchais justement ce type d’outil.',
  'Je peux témoigner de notre expérience si besoin.',
  'Très clair, merci.',
];

export const REPUBLICATION_COMMENTS = ['', '', 'À relayer largement.', 'Une belle initiative à découvrir.', 'Utile pour nos permanences.'];

export const REACTION_WEIGHTS = { USEFUL: 50, THANKS: 35, SUPPORT: 15 } as const;

export const REPORT_REASONS = ['Publication hors sujet', 'Contenu publicitaire', 'Information erronée', 'Doublon'];

export type AlertCategoryName = 'VIRAL_CHALLENGE' | 'CYBERBULLYING' | 'SCAM' | 'MENTAL_HEALTH' | 'SAFEGUARDING' | 'SERVICE_DISRUPTION' | 'OTHER';
export const ALERT_CATEGORY_WEIGHTS: Readonly<Record<AlertCategoryName, number>> = {
  VIRAL_CHALLENGE: 25, CYBERBULLYING: 20, SCAM: 20, MENTAL_HEALTH: 12, SAFEGUARDING: 8, SERVICE_DISRUPTION: 10, OTHER: 5,
};

/** Alerts about phenomena, never about a person: no names, no contact details. */
export const ALERT_TEXTS: Readonly<Record<AlertCategoryName, readonly [title: string, body: string][]>> = {
  VIRAL_CHALLENGE: [
    ['Défi dangereux sur TikTok', 'Un défi circule chez les collégiens : ne pas relayer la vidéo, rappeler les risques et orienter vers les ressources de prévention.'],
    ['Jeu d’étranglement en circulation', 'Plusieurs établissements signalent un « jeu » d’étranglement filmé. Messages de prévention à diffuser sur vos permanences.'],
  ],
  CYBERBULLYING: [
    ['Vague de comptes « ficha »', 'Des comptes publient des photos de lycéens avec des moqueries. Conseiller le signalement sur la plateforme et le 3018.'],
    ['Harcèlement sur un serveur Discord', 'Un serveur relaie des insultes visant des élèves. Rappeler les démarches de signalement et l’écoute du 3018.'],
  ],
  SCAM: [
    ['Arnaque aux faux jobs étudiants', 'De fausses offres demandent des frais d’inscription. Rappeler qu’aucune offre sérieuse ne demande de paiement.'],
    ['Hameçonnage « aide CAF »', 'Un faux message promet une aide exceptionnelle contre des coordonnées bancaires. Ne pas cliquer, signaler.'],
  ],
  MENTAL_HEALTH: [['Hausse des messages de détresse', 'Les promeneurs relèvent plus de messages de détresse le soir : rappeler le 3114 et les relais locaux.']],
  SAFEGUARDING: [['Sollicitations suspectes de mineurs', 'Des comptes anonymes sollicitent des mineurs en message privé. Rappeler les conseils de prudence et signaler sur Pharos.']],
  SERVICE_DISRUPTION: [['Messagerie indisponible ce soir', 'La messagerie d’un réseau social est perturbée : reporter les permanences prévues ou basculer sur un autre canal.']],
  OTHER: [['Information réseau', 'Point d’attention partagé par la coordination départementale, à relayer en équipe.']],
};

export const RESOLUTION_NOTES = ['Phénomène retombé', 'Contenus retirés par la plateforme', 'Information relayée, plus de signalements', 'Service rétabli'];

export const SUSPENSION_REASONS = ['Absence de présence en ligne depuis plusieurs mois', 'Congé de longue durée'];
export const LEAVING_REASONS = ['Changement de poste', 'Départ de la structure', 'Fin de contrat'];
