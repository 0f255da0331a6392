import type { PostKind, StructureKind, Theme } from '@pdn/client';
import type { SeedMember, SeedStructure } from './gers-network.js';
import type { Prng } from './prng.js';

/**
 * The words of the demo feed: what the promeneurs and coordinators of the Gers would write to each
 * other. Fictional people and structures, real public resources: links go only to the public
 * institutional sites below, written as plain https URLs, and no text carries an e-mail address or a
 * phone number (the national helplines are short numbers: 3018, 3114, 3919, 115, 15, 112).
 */

// ------------------------------------------------------------------------------------- public sites

export interface Site {
  url: string;
  title: string;
}

/** The only sites the demo feed links to: public institutions and national prevention services. */
export const SITES = {
  eEnfance: { url: 'https://www.e-enfance.org', title: 'Association e-Enfance / 3018' },
  serviceCivique: { url: 'https://www.service-civique.gouv.fr', title: 'Le Service civique' },
  cnil: { url: 'https://www.cnil.fr', title: 'CNIL' },
  jeunes: { url: 'https://www.jeunes.gouv.fr', title: 'Jeunes.gouv.fr' },
  franceTravail: { url: 'https://www.francetravail.fr', title: 'France Travail' },
  unJeuneUneSolution: { url: 'https://www.1jeune1solution.gouv.fr', title: '1jeune1solution' },
  cidj: { url: 'https://www.cidj.com', title: 'CIDJ' },
  filSanteJeunes: { url: 'https://www.filsantejeunes.com', title: 'Fil Santé Jeunes' },
  drogues: { url: 'https://www.drogues-info-service.fr', title: 'Drogues Info Service' },
  alcool: { url: 'https://www.alcool-info-service.fr', title: 'Alcool Info Service' },
  tabac: { url: 'https://www.tabac-info-service.fr', title: 'Tabac Info Service' },
  joueurs: { url: 'https://www.joueurs-info-service.fr', title: 'Joueurs Info Service' },
  onisep: { url: 'https://www.onisep.fr', title: 'Onisep' },
  parcoursup: { url: 'https://www.parcoursup.gouv.fr', title: 'Parcoursup' },
  caf: { url: 'https://www.caf.fr', title: 'caf.fr' },
  bafa: { url: 'https://www.bafa-bafd.gouv.fr', title: 'BAFA-BAFD' },
  passCulture: { url: 'https://pass.culture.fr', title: 'Pass Culture' },
  sports: { url: 'https://www.sports.gouv.fr', title: 'Ministère des Sports' },
  internetSansCrainte: { url: 'https://www.internetsanscrainte.fr', title: 'Internet sans crainte' },
  pharos: { url: 'https://www.internet-signalement.gouv.fr', title: 'PHAROS' },
  cybermalveillance: { url: 'https://www.cybermalveillance.gouv.fr', title: 'Cybermalveillance.gouv.fr' },
  clemi: { url: 'https://www.clemi.fr', title: 'CLEMI' },
  defenseur: { url: 'https://www.defenseurdesdroits.fr', title: 'Défenseur des droits' },
  education: { url: 'https://www.education.gouv.fr', title: 'Éducation nationale' },
  ameli: { url: 'https://www.ameli.fr', title: 'Assurance Maladie' },
  onSexprime: { url: 'https://www.onsexprime.fr', title: 'OnSexprime' },
  promeneurs: { url: 'https://www.promeneursdunet.fr', title: 'Promeneurs du Net' },
  arcom: { url: 'https://www.arcom.fr', title: 'Arcom' },
  jeProtege: { url: 'https://jeprotegemonenfant.gouv.fr', title: 'Je protège mon enfant' },
  arretons: { url: 'https://arretonslesviolences.gouv.fr', title: 'Arrêtons les violences' },
  servicePublic: { url: 'https://www.service-public.fr', title: 'Service-public.fr' },
  majdc: { url: 'https://www.majdc.fr', title: 'Ma JDC' },
  europa: { url: 'https://youth.europa.eu', title: 'Portail européen de la jeunesse' },
  jeVeuxAider: { url: 'https://www.jeveuxaider.gouv.fr', title: 'JeVeuxAider.gouv.fr' },
  santePublique: { url: 'https://www.santepubliquefrance.fr', title: 'Santé publique France' },
  handicap: { url: 'https://www.monparcourshandicap.gouv.fr', title: 'Mon parcours handicap' },
} as const satisfies Record<string, Site>;

const S = SITES;

// ------------------------------------------------------------------------------------- phrases

/** How the structures are named inside a sentence: "au BIJ d'Auch", "l'équipe du BIJ d'Auch". */
export const STRUCTURE_WORDS: Record<string, { at: string; of: string }> = {
  caf: { at: 'à la CAF du Gers', of: 'de la CAF du Gers' },
  imaj: { at: "à l'association IMAJ", of: "de l'association IMAJ" },
  'bij-auch': { at: "au BIJ d'Auch", of: "du BIJ d'Auch" },
  'mda-auch': { at: 'à la Maison des adolescents du Gers', of: 'de la Maison des adolescents du Gers' },
  'ml-auch': { at: 'à la Mission locale du Gers', of: 'de la Mission locale du Gers' },
  'prev-condom': { at: 'à la prévention spécialisée de la Ténarèze', of: 'de la prévention spécialisée de la Ténarèze' },
  'cs-fleurance': { at: 'au centre social de Fleurance', of: 'du centre social de Fleurance' },
  'pij-lectoure': { at: 'au PIJ de Lectoure', of: 'du PIJ de Lectoure' },
  'cs-mirande': { at: "au centre social de l'Astarac", of: "du centre social de l'Astarac" },
  'sj-isle': { at: "au service jeunesse de L'Isle-Jourdain", of: "du service jeunesse de L'Isle-Jourdain" },
  'mjc-eauze': { at: "à la MJC d'Eauze", of: "de la MJC d'Eauze" },
  'cs-nogaro': { at: 'au centre social du Bas-Armagnac', of: 'du centre social du Bas-Armagnac' },
  'ej-vic': { at: "à l'Espace jeunes de Vic-Fezensac", of: "de l'Espace jeunes de Vic-Fezensac" },
  'mjc-samatan': { at: 'à la MJC du Savès', of: 'de la MJC du Savès' },
  'pij-gimont': { at: 'au PIJ de Gimont', of: 'du PIJ de Gimont' },
  'fr-marciac': { at: 'au Foyer rural de Marciac', of: 'du Foyer rural de Marciac' },
};

export const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

export const NETWORK_NAMES: Record<string, string> = {
  INSTAGRAM: 'Instagram',
  SNAPCHAT: 'Snapchat',
  TIKTOK: 'TikTok',
  DISCORD: 'Discord',
  WHATSAPP: 'WhatsApp',
  FACEBOOK: 'Facebook',
  X: 'X',
  YOUTUBE: 'YouTube',
  TWITCH: 'Twitch',
};

/** "18:00" → "18 h", "18:30" → "18 h 30". */
export function hour(time: string): string {
  const [h, m] = time.split(':') as [string, string];
  return m === '00' ? `${Number(h)} h` : `${Number(h)} h ${m}`;
}

// ------------------------------------------------------------------------------------- fixed posts

/** A post written once: a resource, a question between colleagues, a coordinator's network news. */
export interface FixedPost {
  title: string;
  body: string;
  themes: Theme[];
  links?: Site[];
  /** Written by this coordinator, or by a member of this structure (a structure key); else by whoever the themes suit. */
  by?: string;
}

export const RESOURCES: FixedPost[] = [
  {
    title: "Le 3018 contre le cyberharcèlement : l'essentiel pour orienter un jeune",
    themes: ['CYBERBULLYING', 'DIGITAL_PRACTICES'],
    links: [S.eEnfance],
    body: `Le **3018** est le numéro national pour les victimes de violences numériques : cyberharcèlement, chantage à la webcam, diffusion d'images intimes, usurpation de compte. Gratuit, anonyme et confidentiel, joignable 7 jours sur 7 de 9 h à 23 h, aussi par tchat et par l'application 3018.

Ce qu'il faut savoir pour nos permanences :
- les écoutants peuvent obtenir des plateformes le retrait de contenus en quelques heures ;
- le jeune peut appeler seul ou avec un adulte de confiance ;
- nous pouvons appeler nous-mêmes pour un conseil sur une situation.

https://www.e-enfance.org`,
  },
  {
    title: 'Fiche CNIL : les droits des mineurs sur leurs données en ligne',
    themes: ['DIGITAL_PRACTICES', 'CITIZENSHIP'],
    links: [S.cnil],
    body: `La CNIL a une rubrique entière pour les jeunes et leurs parents. À retenir pour répondre aux questions en permanence :

- un jeune peut demander l'effacement de données publiées quand il était mineur, et le site doit répondre **dans un délai d'un mois** ;
- il peut s'opposer à l'utilisation de ses photos ;
- en cas de refus ou sans réponse, il peut saisir la CNIL avec l'aide d'un adulte.

Les fiches sont courtes et se lisent bien avec des collégiens : https://www.cnil.fr`,
  },
  {
    title: 'Paramétrer la confidentialité de Snapchat, Instagram et TikTok : des fiches à partager',
    themes: ['DIGITAL_PRACTICES'],
    links: [S.cnil, S.internetSansCrainte],
    body: `Beaucoup de jeunes découvrent en atelier que leur compte est public ou que leur position est partagée.

Deux sources fiables, mises à jour à chaque changement des applications :
- les fiches pratiques de la CNIL (https://www.cnil.fr) ;
- les tutoriels d'Internet sans crainte (https://www.internetsanscrainte.fr).

Astuce : faire les réglages **avec** le jeune sur son téléphone, plutôt que de lui donner une fiche.`,
  },
  {
    title: 'Signaler un contenu illicite : la plateforme PHAROS',
    themes: ['CITIZENSHIP', 'DIGITAL_PRACTICES'],
    links: [S.pharos],
    body: `Menaces, apologie du terrorisme, pédocriminalité, incitation à la haine, escroqueries : ces contenus se signalent sur PHAROS, la plateforme du ministère de l'Intérieur.

- le signalement peut être anonyme ;
- il ne remplace pas une plainte ;
- pour du cyberharcèlement entre jeunes, le 3018 reste le premier réflexe.

https://www.internet-signalement.gouv.fr`,
  },
  {
    title: 'Fil Santé Jeunes : écoute anonyme et gratuite pour les 12–25 ans',
    themes: ['HEALTH', 'SEXUAL_HEALTH'],
    links: [S.filSanteJeunes],
    body: `Fil Santé Jeunes répond tous les jours par téléphone et par tchat, de façon anonyme et gratuite, sur la santé, la sexualité, le mal-être, les relations.

Le site a aussi des articles et un forum modéré que les jeunes consultent volontiers : https://www.filsantejeunes.com

À mettre dans vos réponses automatiques hors permanence.`,
  },
  {
    title: 'Drogues Info Service : une ressource fiable pour répondre aux questions sur les produits',
    themes: ['ADDICTION', 'HEALTH'],
    links: [S.drogues],
    body: `Quand un jeune pose une question précise sur un produit (effets, mélanges, risques), mieux vaut l'orienter vers une information validée que d'improviser.

Drogues Info Service propose une encyclopédie des produits, un tchat et une carte des lieux d'aide : https://www.drogues-info-service.fr

Dans le Gers, la Maison des adolescents peut faire le relais vers une consultation jeunes consommateurs.`,
  },
  {
    title: 'Onisep : explorer les métiers et les formations avec un jeune',
    themes: ['ORIENTATION', 'SCHOOLING'],
    links: [S.onisep],
    body: `Le site de l'Onisep reste la référence pour les fiches métiers et les formations après la 3e et après le bac. Les quiz d'intérêts marchent bien en atelier, et le service « Mon orientation en ligne » répond aussi par tchat.

https://www.onisep.fr`,
  },
  {
    title: 'Parcoursup : le calendrier et les ressources pour accompagner les lycéens',
    themes: ['ORIENTATION', 'SCHOOLING'],
    links: [S.parcoursup],
    body: `Les questions sur Parcoursup arrivent en masse sur nos permanences entre janvier et juin. Le site officiel a un calendrier clair, des tutoriels vidéo et une rubrique pour les parents.

Pensez à rappeler aux jeunes qu'ils peuvent contacter le numéro vert et la messagerie de la plateforme depuis leur dossier.

https://www.parcoursup.gouv.fr`,
  },
  {
    title: '1jeune1solution : les aides et les offres pour les 15–30 ans sur un seul site',
    themes: ['EMPLOYMENT', 'TRAINING'],
    links: [S.unJeuneUneSolution],
    body: `Un simulateur d'aides (logement, transport, santé, formation), des offres de stage, d'alternance et de job, et les dispositifs d'accompagnement comme le Contrat d'engagement jeune.

Le simulateur se fait en cinq minutes avec le jeune pendant une permanence : https://www.1jeune1solution.gouv.fr`,
  },
  {
    title: 'Contrôle parental : le site officiel pour accompagner les parents',
    themes: ['PARENTING', 'DIGITAL_PRACTICES'],
    links: [S.jeProtege],
    body: `Des parents nous demandent souvent « quelle application installer ». Le site gouvernemental Je protège mon enfant explique, appareil par appareil, les outils de contrôle parental, et surtout comment en parler en famille.

https://jeprotegemonenfant.gouv.fr

Pour les cafés des parents : les fiches par âge sont très bien faites.`,
  },
  {
    title: 'Compte piraté, arnaque, chantage : les fiches de Cybermalveillance.gouv.fr',
    themes: ['DIGITAL_PRACTICES'],
    links: [S.cybermalveillance],
    body: `Un jeune dont le compte Instagram a été piraté, ou qui a payé un faux vendeur ? Cybermalveillance.gouv.fr propose un parcours d'assistance en ligne qui dit quoi faire étape par étape, et des fiches réflexes à imprimer.

https://www.cybermalveillance.gouv.fr`,
  },
  {
    title: "Éducation aux médias : les ressources du CLEMI pour parler d'infox avec les jeunes",
    themes: ['CITIZENSHIP', 'DIGITAL_PRACTICES'],
    links: [S.clemi],
    body: `Vérifier une image, repérer un compte qui imite un média, comprendre pourquoi une vidéo devient virale : le CLEMI publie des fiches et des guides gratuits, pensés pour les enseignants mais très utilisables en animation.

https://www.clemi.fr`,
  },
  {
    title: 'Discriminations : saisir le Défenseur des droits, mode d\'emploi',
    themes: ['DISCRIMINATION', 'CITIZENSHIP'],
    links: [S.defenseur],
    body: `Refus de stage, propos racistes d'un employeur, contrôle jugé abusif : un jeune peut saisir le Défenseur des droits gratuitement, en ligne ou auprès d'un délégué. Le site explique la démarche simplement.

https://www.defenseurdesdroits.fr

La saisine peut se faire avec l'aide d'un professionnel : proposez-le.`,
  },
  {
    title: 'Internet sans crainte : des kits d\'animation sur les réseaux sociaux pour les 11–15 ans',
    themes: ['DIGITAL_PRACTICES', 'CYBERBULLYING'],
    links: [S.internetSansCrainte],
    body: `Jeux sérieux, vidéos courtes, fiches d'animation : Internet sans crainte est le programme national de sensibilisation des jeunes aux usages du numérique. Les kits sont gratuits et prêts à l'emploi pour un atelier d'une heure.

https://www.internetsanscrainte.fr`,
  },
  {
    title: "Non au harcèlement : les ressources de l'Éducation nationale",
    themes: ['CYBERBULLYING', 'SCHOOLING'],
    links: [S.education],
    body: `Le programme pHARe est désormais déployé dans les écoles et les collèges : chaque établissement a des élèves ambassadeurs et une équipe formée. Quand un jeune nous parle d'une situation au collège, savoir qu'elle existe aide à faire le lien.

Ressources et affiches : https://www.education.gouv.fr`,
  },
  {
    title: 'Fiche réflexe : accueillir la parole d\'un jeune victime de cyberharcèlement',
    by: 'imaj',
    themes: ['CYBERBULLYING'],
    links: [S.eEnfance, S.pharos],
    body: `Comme promis à l'atelier du mois dernier, la fiche réflexe du réseau :

1. **Écouter sans juger** ni minimiser (« ce n'est que sur internet »).
2. **Ne pas demander de supprimer** les messages : ce sont des preuves. Proposer des captures d'écran avec la date et le nom du compte.
3. **Bloquer et signaler** le compte dans l'application.
4. **Orienter vers le 3018**, qui peut faire retirer les contenus.
5. **Ne pas rester seul** : en parler à la coordination, et avec l'accord du jeune à un adulte de confiance (parent, CPE).
6. En cas de menace grave ou de danger : le 17 ou le 112.

Sources : https://www.e-enfance.org et https://www.internet-signalement.gouv.fr`,
  },
  {
    title: 'CIDJ : des fiches pratiques logement, jobs et études',
    themes: ['HOUSING', 'ORIENTATION', 'EMPLOYMENT'],
    links: [S.cidj],
    body: `Le réseau Information Jeunesse publie des fiches à jour sur le premier logement, le job étudiant, l'année de césure, les aides aux études. Pratique pour une réponse rapide en message privé.

https://www.cidj.com`,
  },
  {
    title: 'Premier logement : les aides de la CAF expliquées simplement',
    themes: ['HOUSING'],
    links: [S.caf],
    body: `Un jeune qui prend son premier appartement peut avoir droit à une aide au logement, même en étant étudiant ou apprenti. Le simulateur de caf.fr donne une estimation en quelques minutes.

- la demande se fait en ligne, dès la signature du bail ;
- le logement doit être décent et la résidence principale ;
- en colocation, chacun fait sa propre demande.

https://www.caf.fr`,
  },
  {
    title: 'Les démarches à 16 et 18 ans : le récapitulatif de Service-public.fr',
    themes: ['CITIZENSHIP'],
    links: [S.servicePublic, S.majdc],
    body: `Recensement citoyen à 16 ans, Journée défense et citoyenneté, carte d'identité, inscription sur les listes électorales : les jeunes mélangent tout, et c'est normal.

- Service-public.fr : https://www.service-public.fr
- la JDC : https://www.majdc.fr

Bonne base pour une publication sur vos comptes au moment des anniversaires de 16 ans de la classe d'âge.`,
  },
  {
    title: 'Santé mentale des jeunes : repérer les signaux et orienter',
    themes: ['HEALTH'],
    links: [S.filSanteJeunes, S.santePublique],
    body: `Retrait, changements de sommeil, messages qui parlent de disparaître : quelques repères pour nos échanges en ligne.

- **poser la question directement** n'augmente pas le risque, au contraire ;
- le **3114**, numéro national de prévention du suicide, répond 24 h/24, aussi aux professionnels ;
- Fil Santé Jeunes pour une écoute anonyme ;
- dans le Gers, la Maison des adolescents reçoit les jeunes et leurs familles.

https://www.filsantejeunes.com — https://www.santepubliquefrance.fr`,
  },
  {
    title: 'Complémentaire santé solidaire : un droit que beaucoup de jeunes ignorent',
    themes: ['HEALTH'],
    links: [S.ameli],
    body: `Les jeunes qui vivent seuls avec de faibles ressources peuvent souvent bénéficier de la Complémentaire santé solidaire. La demande se fait en ligne depuis le compte ameli, et le simulateur dit tout de suite si le jeune y a droit.

https://www.ameli.fr`,
  },
  {
    title: 'Sexualité, contraception, consentement : des ressources fiables pour les ados',
    themes: ['SEXUAL_HEALTH'],
    links: [S.onSexprime, S.filSanteJeunes],
    body: `Le site OnSexprime de Santé publique France répond aux questions des 12–18 ans sans tabou et sans jugement. Fil Santé Jeunes complète avec l'écoute.

- https://www.onsexprime.fr
- https://www.filsantejeunes.com

Rappel : la contraception est gratuite pour les moins de 26 ans en pharmacie, sur prescription.`,
  },
  {
    title: 'Jeunes.gouv.fr : le portail des dispositifs jeunesse',
    themes: ['CITIZENSHIP', 'EMPLOYMENT'],
    links: [S.jeunes],
    body: `Service civique, BAFA, engagement, mobilité européenne, aides : le portail du ministère regroupe tous les dispositifs jeunesse avec des liens vers les démarches.

https://www.jeunes.gouv.fr`,
  },
  {
    title: "Identité professionnelle sur les réseaux : le guide des Promeneurs du Net",
    by: 'caf',
    themes: ['DIGITAL_PRACTICES'],
    links: [S.promeneurs],
    body: `Pour les nouveaux promeneurs : le site national rappelle les bases d'une présence professionnelle en ligne.

- un compte **professionnel**, distinct de votre compte personnel ;
- votre prénom et votre structure visibles dans le profil ;
- vos horaires de permanence affichés ;
- pas d'échange « en privé » qui sorte du cadre de votre mission.

https://www.promeneursdunet.fr`,
  },
  {
    title: "Arcom : comprendre la signalétique jeunesse et la protection des mineurs en ligne",
    themes: ['PARENTING', 'DIGITAL_PRACTICES'],
    links: [S.arcom],
    body: `Les pictogrammes -10, -12, -16, -18 ne concernent pas que la télévision : l'Arcom publie des repères pour les plateformes vidéo et les réseaux sociaux, utiles pour un café des parents.

https://www.arcom.fr`,
  },
  {
    title: 'Sextorsion et chantage à la webcam : comment réagir',
    themes: ['CYBERBULLYING', 'SEXUAL_HEALTH'],
    links: [S.eEnfance, S.cybermalveillance],
    body: `Plusieurs jeunes du département ont été contactés par de faux profils qui demandent des photos puis de l'argent. Les consignes à donner :

- **ne jamais payer** : le chantage continue ;
- **ne pas supprimer** la conversation, faire des captures ;
- bloquer, signaler, et appeler le **3018** ;
- le jeune n'a rien fait d'illégal en étant victime : il ne doit pas avoir honte d'en parler.

https://www.e-enfance.org — https://www.cybermalveillance.gouv.fr`,
  },
  {
    title: 'Violences sexistes et sexuelles : les ressources pour les 15–25 ans',
    themes: ['DISCRIMINATION', 'SEXUAL_HEALTH'],
    links: [S.arretons],
    body: `Le site Arrêtons les violences permet de trouver de l'aide près de chez soi et de signaler des violences en ligne, par tchat, 24 h/24. Le **3919** écoute les femmes victimes de violences, gratuitement et anonymement.

https://arretonslesviolences.gouv.fr`,
  },
  {
    title: "Paris sportifs chez les jeunes : les outils de Joueurs Info Service",
    themes: ['ADDICTION'],
    links: [S.joueurs],
    body: `Les applications de paris sportifs sont interdites aux mineurs, mais beaucoup de jeunes y jouent avec le compte d'un majeur. Joueurs Info Service propose un test d'auto-évaluation, un tchat et des ressources pour les proches.

https://www.joueurs-info-service.fr`,
  },
  {
    title: 'Alcool : des repères pour en parler avec les jeunes avant les fêtes de village',
    themes: ['ADDICTION', 'HEALTH'],
    links: [S.alcool],
    body: `Bandas, fêtes de village, ferias : la saison des fêtes est aussi celle des questions sur l'alcool. Alcool Info Service a des contenus adaptés aux jeunes, sans morale, et un tchat.

https://www.alcool-info-service.fr

Idée : rappeler en story la règle du « capitaine de soirée » et les numéros d'urgence (15, 112).`,
  },
  {
    title: 'Tabac et vapotage : accompagner un jeune qui veut arrêter',
    themes: ['ADDICTION', 'HEALTH'],
    links: [S.tabac],
    body: `Tabac Info Service propose un coaching gratuit par application et par téléphone, adapté aux jeunes, y compris pour la cigarette électronique et la puff.

https://www.tabac-info-service.fr`,
  },
  {
    title: 'Partir en Europe : le Corps européen de solidarité',
    by: 'bij-auch',
    themes: ['MOBILITY', 'CITIZENSHIP'],
    links: [S.europa],
    body: `Volontariat de deux à douze mois dans un autre pays européen, logé, nourri, assuré, avec une indemnité : le Corps européen de solidarité est ouvert aux 18–30 ans, sans condition de diplôme.

https://youth.europa.eu

Le BIJ d'Auch accompagne les candidatures.`,
  },
  {
    title: "France Travail : l'espace jeunes et les offres d'emploi saisonnier",
    themes: ['EMPLOYMENT'],
    links: [S.franceTravail],
    body: `L'inscription n'est pas obligatoire pour consulter les offres. Le filtre « emploi saisonnier » et la recherche par commune permettent de montrer en quelques minutes les offres autour de chez le jeune.

https://www.francetravail.fr`,
  },
  {
    title: 'Jeunes en situation de handicap : Mon parcours handicap',
    themes: ['SCHOOLING', 'EMPLOYMENT'],
    links: [S.handicap],
    body: `Scolarité, études supérieures, emploi, droits : le portail public Mon parcours handicap centralise l'information et oriente vers les bons interlocuteurs. Utile aussi pour les parents.

https://www.monparcourshandicap.gouv.fr`,
  },
  {
    title: 'Permanences en ligne et RGPD : ce que nous gardons, et ce que nous ne gardons pas',
    by: 'caf',
    themes: ['DIGITAL_PRACTICES', 'CITIZENSHIP'],
    links: [S.cnil],
    body: `Rappel des règles du réseau, conformes aux recommandations de la CNIL :

- le journal de présence ne contient **que des nombres** : temps en ligne, nombre de contacts, catégories de demandes ;
- aucune capture de conversation, aucun prénom de jeune dans nos outils communs ;
- les échanges restent dans l'application du réseau social, et nous ne les exportons pas ;
- chaque promeneur peut consulter, corriger et supprimer ses propres données.

https://www.cnil.fr`,
  },
  {
    title: 'Être promeneur sur Discord : les bonnes pratiques issues du webinaire',
    by: 'imaj',
    themes: ['DIGITAL_PRACTICES'],
    links: [S.promeneurs],
    body: `Le support du webinaire Discord, en résumé :

- présentez-vous dans un salon dédié plutôt qu'en message privé ;
- demandez l'accord des modérateurs avant de rejoindre un serveur de jeunes ;
- affichez vos horaires dans votre statut ;
- ne créez pas de serveur « officiel » sans modération à plusieurs.

Le replay est disponible pour les inscrits. Plus d'infos : https://www.promeneursdunet.fr`,
  },
  {
    title: 'Pass Culture : ce que les jeunes peuvent réserver près de chez eux',
    themes: ['CULTURE'],
    links: [S.passCulture],
    body: `Cinéma, concerts, livres, instruments, cours de pratique artistique : les offres du Pass Culture autour d'Auch, Condom et Marciac sont nombreuses. Beaucoup de jeunes n'ont jamais activé leur compte.

https://pass.culture.fr`,
  },
  {
    title: "Pass'Sport : l'aide à l'inscription en club",
    themes: ['SPORT'],
    links: [S.sports],
    body: `Le Pass'Sport aide les jeunes qui y ont droit à payer leur licence ou leur adhésion dans un club. Les conditions changent selon les saisons : vérifiez-les sur le site du ministère avant d'en parler.

https://www.sports.gouv.fr`,
  },
  {
    title: 'Aide au BAFA : les financements possibles',
    themes: ['TRAINING', 'EMPLOYMENT'],
    links: [S.bafa, S.caf],
    body: `Le BAFA coûte cher pour beaucoup de familles, mais plusieurs aides se cumulent :

- l'aide de la CAF pour la session d'approfondissement ;
- des aides de certaines communes et intercommunalités, en échange d'heures d'animation ;
- la prise en charge par l'employeur dans certains accueils de loisirs.

Inscription et suivi : https://www.bafa-bafd.gouv.fr — aides : https://www.caf.fr`,
  },
  {
    title: 'Écrans et sommeil des ados : les repères de Santé publique France',
    themes: ['HEALTH', 'PARENTING'],
    links: [S.santePublique],
    body: `Pas d'écran dans la chambre la nuit, une heure sans écran avant de dormir : des repères simples, expliqués aux parents et aux jeunes, avec des affiches téléchargeables.

https://www.santepubliquefrance.fr`,
  },
];

/**
 * Who answers: anyone the themes suit (a plain text), or a member of a given structure, a coordinator
 * ('caf', 'imaj': their structures' keys too), or the asker coming back to thank.
 */
export type Answer = string | { from: string; text: string };

/** A question between colleagues and the answers it gets, in order. */
export interface FixedQuestion extends FixedPost {
  answers: Answer[];
}

export const QUESTIONS: FixedQuestion[] = [
  {
    title: 'Un jeune vous écrit à 23 h en dehors de votre permanence : que faites-vous ?',
    themes: ['DIGITAL_PRACTICES', 'HEALTH'],
    body: `Ça m'est arrivé deux fois ce mois-ci. Je n'ai pas répondu sur le moment, mais je me demande comment vous gérez : message automatique, réponse le lendemain, autre chose ?`,
    answers: [
      "Message automatique qui rappelle mes horaires, et en cas d'urgence le 3114 ou le 15. Je lis le lendemain matin en priorité.",
      "Pareil, et c'est écrit dans ma bio. L'important c'est que le jeune sache à l'avance quand on est joignable.",
      "On en a parlé en analyse de pratiques : répondre à 23 h crée une attente qu'on ne pourra pas tenir. Mieux vaut être clair dès le départ.",
    ],
  },
  {
    title: 'Compte personnel ou compte pro séparé sur Discord ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `Je commence ma présence sur Discord. Vous avez créé un compte dédié ou vous utilisez votre compte perso avec un pseudo pro ?`,
    answers: [
      'Compte dédié, sans hésiter. Avec le prénom et la structure dans le pseudo, comme sur les autres réseaux.',
      "Compte pro aussi, et je l'ai relié à l'adresse mail de la structure pour que la direction puisse le récupérer si je pars.",
    ],
  },
  {
    title: 'Quelqu\'un a déjà animé un atelier sur les arnaques en ligne avec des 15–17 ans ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `On a plusieurs jeunes qui se sont fait avoir par de faux vendeurs sur des applis de revente. Je cherche un déroulé d'atelier d'une heure, testé sur le terrain.`,
    answers: [
      "Oui, avec les fiches de Cybermalveillance.gouv.fr et un quiz « vrai ou arnaque » à partir de vraies annonces anonymisées. Ça marche très bien.",
      { from: 'prev-condom', text: "Je peux t'envoyer notre déroulé, on l'a fait avec les 3e du collège de Condom." },
      'Pensez aussi aux faux jobs : c\'est la grosse tendance du moment.',
    ],
  },
  {
    title: 'Captures d\'écran de conversations : que conservez-vous, et combien de temps ?',
    themes: ['DIGITAL_PRACTICES', 'CITIZENSHIP'],
    body: `Quand un jeune me montre des messages de harcèlement, j'ai le réflexe de garder une capture. Mais est-ce que c'est à nous de les conserver ?`,
    answers: [
      "Non : c'est au jeune (ou à sa famille) de garder les preuves. Nous, on l'aide à les faire et à les mettre en lieu sûr.",
      "La règle du réseau, c'est aucune capture dans nos outils communs. Si vraiment il faut transmettre, on passe par la coordination.",
      'Voir la publication sur le RGPD dans le fil, tout y est.',
    ],
  },
  {
    title: 'Comment présentez-vous la démarche Promeneurs du Net aux parents ?',
    themes: ['PARENTING'],
    body: `Des parents m'ont demandé pourquoi un animateur « parle à leurs enfants sur Snapchat ». Vous avez un discours ou un support qui rassure ?`,
    answers: [
      "On a fait un flyer pour les parents avec la charte en résumé : identité réelle, horaires affichés, cadre professionnel.",
      'Je les invite à suivre le compte pro : voir ce qu\'on publie rassure plus que n\'importe quel discours.',
      "Le café des parents est le meilleur moment pour en parler, avec des exemples concrets de ce que les jeunes nous demandent.",
    ],
  },
  {
    title: 'Un défi dangereux circule sur TikTok : à qui le signaler ?',
    themes: ['DIGITAL_PRACTICES', 'HEALTH'],
    body: `Des jeunes m'ont parlé d'une vidéo de « défi » qui circule dans leur collège. Je signale dans l'appli, mais est-ce qu'il faut prévenir quelqu'un d'autre ?`,
    answers: [
      { from: 'imaj', text: 'Signalement dans l\'appli et sur PHAROS, et préviens la coordination : on lance une alerte réseau si ça se confirme ailleurs.' },
      "Et surtout ne pas republier la vidéo, même pour alerter : ça lui donne de la visibilité.",
    ],
  },
  {
    title: 'Vos astuces pour faire connaître sa permanence Instagram auprès des collégiens ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `Ma permanence du mercredi est encore très calme. Qu'est-ce qui a marché chez vous pour vous faire connaître ?`,
    answers: [
      'Passer dans les classes avec le CPE, et un QR code sur une affiche au foyer du collège.',
      'Les stories avec des questions anonymes marchent bien pour démarrer la conversation.',
      "Il m'a fallu presque trois mois. Ne te décourage pas !",
      { from: 'asker', text: 'Merci à tous, je teste le QR code dès la semaine prochaine.' },
    ],
  },
  {
    title: 'Snapchat : vous acceptez toutes les demandes d\'amis ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `Je reçois des demandes de jeunes que je ne connais pas du tout, parfois d'autres départements. Vous acceptez tout le monde ?`,
    answers: [
      "J'accepte les jeunes du territoire, et pour les autres je réponds en les orientant vers le promeneur de leur département.",
      "Attention aux comptes d'adultes qui se font passer pour des jeunes : dans le doute, je n'accepte pas.",
    ],
  },
  {
    title: 'Des retours sur le dispositif « argent de poche » dans vos communes ?',
    themes: ['EMPLOYMENT', 'CITIZENSHIP'],
    body: `Notre mairie envisage de lancer des chantiers argent de poche l'été prochain. Ceux qui l'ont déjà fait, quels conseils ?`,
    answers: [
      "Chez nous ça marche très bien : des missions courtes, un tuteur par groupe, et une petite cérémonie à la fin avec les élus.",
      'Prévoir les autorisations parentales et une visite des lieux avant : ça évite les surprises le premier jour.',
      "Les jeunes en parlent entre eux ensuite, c'est une super porte d'entrée vers la structure.",
    ],
  },
  {
    title: 'Comment réagissez-vous face à des propos discriminatoires en commentaire ?',
    themes: ['DISCRIMINATION'],
    body: `Sous une de nos publications, un jeune a écrit un commentaire raciste. Supprimer, répondre, les deux ?`,
    answers: [
      "Les deux : je masque le commentaire et j'écris au jeune en privé pour en parler. Souvent il ne mesure pas la portée.",
      "Si c'est grave (menaces, appel à la haine), signalement PHAROS aussi.",
      'On a une règle affichée sur notre compte : les commentaires discriminatoires sont supprimés. Ça aide à expliquer.',
    ],
  },
  {
    title: 'Hébergement d\'urgence pour un jeune majeur dans l\'est du département : vos contacts ?',
    themes: ['HOUSING'],
    body: `Situation délicate cette semaine : un jeune majeur sans solution pour dormir ce soir. Je connais le 115, mais vous avez d'autres relais ?`,
    answers: [
      "Le 115 d'abord, puis la Mission locale le lendemain pour le suivi logement.",
      { from: 'caf', text: 'La coordination a la liste des structures d\'hébergement jeunes : appelle-nous.' },
    ],
  },
  {
    title: 'Quels organismes de formation BAFA conseillez-vous dans le Gers ?',
    themes: ['TRAINING'],
    body: `Plusieurs jeunes veulent passer le BAFA cette année. Vous avez des retours sur les organismes qui organisent des sessions près de chez nous ?`,
    answers: [
      "Les grands réseaux d'éducation populaire organisent des sessions en internat pendant les vacances, avec des places aidées.",
      'Regarde aussi les sessions en demi-pension : moins chères et plus faciles pour les jeunes sans voiture.',
      'Le site bafa-bafd.gouv.fr liste toutes les sessions habilitées.',
    ],
  },
  {
    title: 'Avoir un compte TikTok pour la structure : vous avez franchi le pas ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `Notre direction hésite. Ceux qui en ont un : qu'est-ce que ça vous apporte, et combien de temps ça prend ?`,
    answers: [
      'Beaucoup de visibilité auprès des 13–16 ans. Compter deux heures par semaine pour des vidéos simples.',
      'On fait les vidéos avec les jeunes : c\'est une activité en soi.',
      "Attention au temps de modération des commentaires, il faut le prévoir.",
    ],
  },
  {
    title: 'Comment comptez-vous les « contacts » dans le journal de présence ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `Un jeune qui m'écrit trois fois dans la soirée, c'est un contact ou trois ?`,
    answers: [
      'Un contact : on compte les jeunes, pas les messages.',
      "C'est la règle rappelée en formation initiale : un jeune par permanence, quel que soit le nombre de messages.",
    ],
  },
  {
    title: 'Fermeture estivale : vous maintenez vos permanences en ligne ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `Notre structure ferme trois semaines en août. Vous suspendez vos permanences ou vous vous organisez entre collègues ?`,
    answers: [
      'On se relaie à deux : une permanence par semaine au lieu de trois.',
      "On suspend, mais on l'annonce deux semaines avant avec les relais utiles (3018, Fil Santé Jeunes).",
      'La coordination peut publier une liste des promeneurs présents en août, ce serait pratique.',
    ],
  },
  {
    title: 'Un parent vous demande de lire les messages de son enfant : comment répondez-vous ?',
    themes: ['PARENTING'],
    body: `Une mère inquiète m'a demandé ce que son fils m'avait écrit. Je ne l'ai évidemment pas fait, mais comment répondre sans la braquer ?`,
    answers: [
      "J'explique la confidentialité des échanges et je propose une rencontre à trois, avec l'accord du jeune.",
      "Je rassure sur le cadre, et je rappelle que s'il y avait un danger, nous n'aurions pas gardé ça pour nous.",
      "C'est un bon sujet pour le prochain regroupement.",
    ],
  },
  {
    title: 'Des ressources pour une soirée débat sur les jeux vidéo ?',
    themes: ['LEISURE', 'DIGITAL_PRACTICES'],
    body: `On organise une soirée parents-ados sur les jeux vidéo. Vous avez des vidéos courtes ou des supports pour lancer le débat ?`,
    answers: [
      'Les fiches PEGI expliquées par l\'Arcom, et faire jouer les parents : ça change tout.',
      "On a fait un quiz « qui joue à quoi » avec les parents et les ados en équipe, très bon souvenir.",
    ],
  },
  {
    title: 'Snap Map : comment en parlez-vous avec les jeunes ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `Beaucoup de collégiens partagent leur position en permanence sans le savoir. Vous abordez le sujet comment, sans faire peur ?`,
    answers: [
      "Je leur demande de me montrer leur carte : ils découvrent souvent que leur maison est visible. Ça suffit à les convaincre.",
      'Le mode fantôme, en deux clics, à faire ensemble pendant l\'atelier.',
      "Pas de discours alarmiste : on parle de qui a besoin de savoir où ils sont.",
    ],
  },
  {
    title: 'Des demandes d\'aide aux devoirs en message privé : vous répondez ?',
    themes: ['SCHOOLING'],
    body: `J'ai de plus en plus de messages du type « tu peux m'aider pour mon exposé ». Ce n'est pas vraiment notre mission, mais je n'aime pas dire non.`,
    answers: [
      "J'oriente vers l'accompagnement scolaire de la structure et je garde la porte ouverte pour parler du reste.",
      'Parfois la demande de devoirs cache autre chose : je pose une ou deux questions avant de rediriger.',
    ],
  },
  {
    title: 'Un intervenant santé mentale pour un groupe de 16–18 ans, des idées ?',
    themes: ['HEALTH'],
    body: `On voudrait organiser un temps d'échange sur le stress et l'anxiété avec un groupe de lycéens. Vous avez fait intervenir qui ?`,
    answers: [
      'La Maison des adolescents intervient volontiers, il faut les contacter un mois avant.',
      "Les premiers secours en santé mentale version jeunes, c'est aussi très bien.",
      { from: 'mda-auch', text: "Avec plaisir, on peut en parler à la MDA. Écris-moi via l'annuaire du réseau." },
    ],
  },
  {
    title: "Covoiturage pour le regroupement de Fleurance : qui part de l'ouest du Gers ?",
    themes: ['MOBILITY'],
    by: 'cs-nogaro',
    body: `Je pars de Nogaro le matin du regroupement. Quelqu'un de l'ouest du département veut partager la route ?`,
    answers: [
      { from: 'mjc-eauze', text: 'Eauze ici, avec plaisir ! Tu peux passer par Vic ?' },
      { from: 'prev-condom', text: 'Je prends ma voiture depuis Condom, deux places libres si besoin.' },
      { from: 'asker', text: 'Super, on s\'organise en message.' },
    ],
  },
  {
    title: 'Tutoyer ou vouvoyer en message privé ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `Question simple mais on n'est pas d'accord dans l'équipe. Vous faites comment avec les jeunes en ligne ?`,
    answers: [
      "Je laisse le jeune choisir : je réponds comme il m'écrit.",
      { from: 'ml-auch', text: 'Tutoiement pour les moins de 18 ans, vouvoiement pour les jeunes adultes à la Mission locale.' },
      "Ce qui compte, c'est le cadre, pas le pronom.",
    ],
  },
  {
    title: 'Le temps de préparation des publications compte-t-il dans le journal de présence ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `Je passe parfois une heure à préparer une publication de prévention. Je peux la compter dans mes heures en ligne ?`,
    answers: [
      "Non, le journal compte le temps de présence en ligne pendant les permanences. La préparation fait partie de ton temps de travail, mais pas de ce décompte.",
      { from: 'caf', text: 'Tu peux en parler au bilan annuel avec la coordination, c\'est un vrai sujet.' },
    ],
  },
  {
    title: 'Vos retours sur les lives Instagram avec des jeunes ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `On pense faire un live « questions sur l'orientation » avec deux lycéennes volontaires. Des conseils ?`,
    answers: [
      'Préparer les questions à l\'avance et avoir un collègue qui modère les commentaires en direct.',
      "Autorisation des parents pour les mineures qui passent à l'écran, bien sûr.",
      { from: 'bij-auch', text: 'On l\'a fait avec la Mission locale, ça a très bien marché. Le replay a fait plus de vues que le live.' },
    ],
  },
  {
    title: 'Une vidéo publiée sans son accord : quelle marche à suivre pour un jeune ?',
    themes: ['DIGITAL_PRACTICES', 'CYBERBULLYING'],
    body: `Un jeune veut faire retirer une vidéo de lui publiée par un autre. Par où commencer ?`,
    answers: [
      "Demander d'abord le retrait à la personne, puis signaler dans l'appli. Si ça ne bouge pas, le 3018 peut intervenir.",
      'La CNIL a une fiche précise sur le droit à l\'image et l\'effacement.',
    ],
  },
  {
    title: 'Quel support pour présenter le Service civique en dix minutes ?',
    themes: ['CITIZENSHIP', 'EMPLOYMENT'],
    body: `On m'a donné dix minutes dans une classe de terminale. Vous avez une présentation courte qui marche ?`,
    answers: [
      'Les vidéos témoignages du site du Service civique, et un ancien volontaire de la structure si possible.',
      'Montrer la carte des missions autour du lycée : ça rend le truc concret.',
      "Je te passe notre diaporama, cinq diapositives.",
    ],
  },
  {
    title: 'Quelqu\'un a testé un escape game sur la prévention numérique ?',
    themes: ['DIGITAL_PRACTICES', 'LEISURE'],
    body: `On cherche une animation différente pour le Safer Internet Day. Un escape game, c'est faisable avec peu de moyens ?`,
    answers: [
      'Oui, on en a fabriqué un avec des cadenas et des énigmes sur les mots de passe. Quatre heures de préparation.',
      "Il existe des kits gratuits, regarde du côté d'Internet sans crainte.",
    ],
  },
  {
    title: 'Discord : comment repérer les serveurs à risque sans s\'y infiltrer ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `On ne veut pas « espionner », mais des jeunes parlent de serveurs où circulent des contenus violents. Comment être attentif sans sortir de notre posture ?`,
    answers: [
      "On reste là où on est invité. Ce sont les jeunes qui nous parlent des serveurs : c'est leur parole qu'on écoute.",
      "Si un contenu illicite est signalé, PHAROS. Pas d'infiltration, ce n'est pas notre rôle.",
      { from: 'imaj', text: 'Bon sujet pour le prochain webinaire !' },
    ],
  },
  {
    title: 'Job d\'été à 15 ans : vers qui orienter ?',
    themes: ['EMPLOYMENT'],
    body: `Beaucoup de demandes de jeunes de 15 ans qui veulent travailler cet été. À part l'argent de poche, quelles pistes ?`,
    answers: [
      "Les exploitations agricoles et certains campings embauchent dès 14 ans sur des tâches légères, avec autorisation de l'inspection du travail.",
      { from: 'bij-auch', text: 'Le BIJ a une fiche sur le travail des mineurs, je te l\'envoie.' },
    ],
  },
  {
    title: 'Des lycéens sans ordinateur pour Parcoursup : vous prêtez du matériel ?',
    themes: ['SCHOOLING', 'ORIENTATION'],
    body: `Faire ses vœux sur un téléphone, ce n'est pas idéal. Vous avez des ordinateurs en accès libre ou en prêt ?`,
    answers: [
      { from: 'pij-gimont', text: 'Accès libre au PIJ aux heures d\'ouverture, et des créneaux réservés Parcoursup le mercredi.' },
      "La médiathèque de notre commune prête des ordinateurs portables, ça vaut le coup de demander.",
    ],
  },
  {
    title: 'Comment parler de consentement en ligne avec des 13–14 ans ?',
    themes: ['SEXUAL_HEALTH', 'DIGITAL_PRACTICES'],
    body: `Je prépare un atelier sur le partage de photos. Comment aborder le consentement sans que ça devienne un cours ?`,
    answers: [
      "Partir de situations du quotidien : « tu postes une photo de groupe, tu demandes à tout le monde ? »",
      'Les vidéos OnSexprime sont bien faites, courtes et pas gênantes.',
      'On travaille en petits groupes non mixtes au début, ça libère la parole.',
    ],
  },
  {
    title: 'Une affiche d\'événement : image seule ou texte aussi ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `Pour l'accessibilité, vous ajoutez le texte de l'affiche dans la publication, ou une description de l'image ?`,
    answers: [
      "Les deux : le texte essentiel dans la publication et une description alternative de l'image.",
      'Oui, les lecteurs d\'écran ne lisent pas les affiches. Et le texte est indexé par la recherche.',
    ],
  },
  {
    title: 'Avez-vous un protocole quand un jeune évoque des idées suicidaires en message ?',
    themes: ['HEALTH'],
    body: `Ça ne m'est jamais arrivé, mais je voudrais être prêt. Vous avez un protocole écrit dans votre structure ?`,
    answers: [
      "Rester en lien, poser la question directement, donner le 3114 et, en cas de danger immédiat, le 15. Puis prévenir sa hiérarchie.",
      { from: 'mda-auch', text: 'La MDA peut venir présenter un protocole en réunion d\'équipe, c\'est très rassurant.' },
      { from: 'imaj', text: 'La fiche réflexe du réseau arrive, on la prépare avec la MDA.' },
    ],
  },
  {
    title: 'Quel délai de réponse vous fixez-vous sur Instagram ?',
    themes: ['DIGITAL_PRACTICES'],
    body: `En dehors des permanences, je réponds quand je peux. Vous vous fixez un délai maximum ?`,
    answers: [
      "48 heures ouvrées, annoncées dans la bio.",
      'Réponse le jour même pendant les permanences, sinon à la permanence suivante.',
    ],
  },
  {
    title: 'Des sorties culturelles gratuites pour un groupe pendant les vacances ?',
    themes: ['CULTURE', 'LEISURE'],
    body: `Budget serré cette année. Vous avez des idées de sorties gratuites ou presque dans le Gers pour un groupe de 12 jeunes ?`,
    answers: [
      { from: 'fr-marciac', text: 'Les concerts gratuits de la place à Marciac pendant le festival, ambiance garantie.' },
      { from: 'pij-lectoure', text: "Les expositions de l'Été photographique de Lectoure, et la visite de la cathédrale d'Auch." },
      'Le Pass Culture couvre aussi pas mal d\'entrées pour les jeunes qui y ont droit.',
      { from: 'asker', text: "Merci, je note tout ça pour le programme de l'été !" },
    ],
  },
];

/** Network life, written by the coordinators. */
export const NETWORK_NEWS: (FixedPost & { by: 'caf' | 'imaj'; audience: 'PUBLIC' | 'NETWORK' })[] = [
  {
    by: 'caf',
    audience: 'PUBLIC',
    title: 'Retour sur le regroupement du réseau PDN32 à Auch',
    themes: ['CITIZENSHIP', 'DIGITAL_PRACTICES'],
    body: `Merci aux promeneurs présents à Auch pour cette journée riche : bilan des permanences en ligne, témoignages de deux structures, atelier d'analyse de situations.

**Ce que nous retenons**
- une forte demande d'ateliers sur TikTok et sur Discord ;
- le besoin d'une fiche réflexe sur le cyberharcèlement (elle arrive) ;
- l'envie de se retrouver plus souvent entre promeneurs d'un même secteur.

Le programme de formation de l'année est en ligne dans l'agenda du réseau.`,
  },
  {
    by: 'imaj',
    audience: 'NETWORK',
    title: 'Bienvenue aux nouveaux promeneurs du Gers',
    themes: ['CITIZENSHIP'],
    body: `Le comité technique a validé de nouvelles labellisations : bienvenue à celles et ceux qui rejoignent le réseau !

Pour bien démarrer :
- la charte à accepter dans l'application ;
- vos créneaux de permanence à publier ;
- la prochaine formation initiale, dans l'agenda.

N'hésitez pas à poser vos questions ici : c'est fait pour ça.`,
  },
  {
    by: 'caf',
    audience: 'PUBLIC',
    title: 'Formation initiale des Promeneurs du Net : la session 2 est ouverte',
    themes: ['DIGITAL_PRACTICES', 'TRAINING'],
    body: `Deux jours pour les nouveaux promeneurs : la démarche et sa charte, la posture éducative en ligne, le cadre juridique, les permanences et le journal de présence, le travail en réseau.

Inscriptions dans l'agenda du réseau. Les structures qui souhaitent rejoindre la démarche peuvent se renseigner sur https://www.promeneursdunet.fr`,
    links: [S.promeneurs],
  },
  {
    by: 'caf',
    audience: 'NETWORK',
    title: 'Charte des Promeneurs du Net : rappel de la version en vigueur',
    themes: ['CITIZENSHIP'],
    body: `La charte en vigueur est la version 2024-1. Chaque promeneur l'accepte dans l'application avant d'être validé.

Les points que nous rappelons le plus souvent :
- une présence sous votre identité réelle, avec votre structure ;
- pas d'usage commercial du réseau ni de ses outils ;
- aucune donnée permettant d'identifier un jeune dans les outils communs.`,
  },
  {
    by: 'caf',
    audience: 'PUBLIC',
    title: 'Ce que les jeunes demandent aux promeneurs du Gers',
    themes: ['DIGITAL_PRACTICES', 'CITIZENSHIP'],
    body: `Premiers chiffres issus des journaux de présence du réseau (des nombres uniquement, jamais de données sur les jeunes) :

| Catégorie de demande | Part |
| --- | --- |
| Vie quotidienne et prévention | 45 % |
| Informations pratiques sur les structures | 26 % |
| Accompagnement de projets | 13 % |
| Pratiques numériques | 10 % |
| Questions personnelles | 6 % |

Instagram et Snapchat restent de loin les réseaux les plus utilisés par les jeunes pour nous contacter.`,
  },
  {
    by: 'imaj',
    audience: 'NETWORK',
    title: 'Webinaire Discord : le support et le replay sont disponibles',
    themes: ['DIGITAL_PRACTICES'],
    body: `Merci aux participants du webinaire ! Le support et le replay ont été envoyés aux inscrits. Un résumé des bonnes pratiques est publié dans le fil.

Prochain rendez-vous en ligne : le webinaire sur le 3018 et les signalements, dans l'agenda.`,
  },
  {
    by: 'caf',
    audience: 'NETWORK',
    title: 'Comité technique PDN32 : ce qu\'il faut retenir',
    themes: ['CITIZENSHIP'],
    body: `Le comité technique (CAF, IMAJ, service jeunesse de l'État) s'est réuni cette semaine :

- validation des nouvelles labellisations ;
- bilan des heures en ligne du trimestre, en hausse ;
- lancement des alertes réseau dans l'application ;
- calendrier des trois regroupements de l'année.

Le compte rendu complet est disponible sur demande auprès de la coordination.`,
  },
  {
    by: 'imaj',
    audience: 'NETWORK',
    title: "Nouvelle application du réseau : le fil d'information et les alertes",
    themes: ['DIGITAL_PRACTICES'],
    body: `Vous pouvez désormais publier dans le fil, **republier** les initiatives des autres structures, commenter et réagir, et recevoir les **alertes réseau en direct**.

Quelques règles :
- choisissez « public » seulement pour ce qui peut être vu par les partenaires et les jeunes ;
- pas de données personnelles de jeunes, jamais ;
- pensez à accuser réception des alertes : nous savons ainsi qui est informé.`,
  },
  {
    by: 'imaj',
    audience: 'NETWORK',
    title: 'Alertes réseau : comment ça marche ?',
    themes: ['DIGITAL_PRACTICES', 'CYBERBULLYING'],
    body: `Les alertes sont lancées par la coordination quand une situation concerne tout le réseau : défi viral dangereux, vague de cyberharcèlement, arnaque visant les jeunes, fermeture d'un service.

- **Info** : à savoir ;
- **Attention** : à relayer et à surveiller pendant vos permanences ;
- **Critique** : à lire tout de suite ; un rappel est envoyé tant que vous n'avez pas accusé réception.

Une alerte ne contient jamais les coordonnées d'un jeune : l'application les refuse.`,
  },
  {
    by: 'caf',
    audience: 'NETWORK',
    title: 'Rappel : pas de données personnelles de jeunes dans le fil',
    themes: ['CITIZENSHIP', 'DIGITAL_PRACTICES'],
    body: `Le fil est partagé par tout le réseau, et une partie est publique. Aucun prénom, aucune photo, aucun pseudo de jeune : décrivez les situations, pas les personnes.

En cas de doute, posez la question à la coordination avant de publier.`,
  },
  {
    by: 'imaj',
    audience: 'PUBLIC',
    title: "Semaine de la presse et des médias : les promeneurs du Gers se mobilisent",
    themes: ['CITIZENSHIP', 'DIGITAL_PRACTICES'],
    links: [S.clemi],
    body: `Pendant la Semaine de la presse et des médias dans l'école, plusieurs structures du réseau animent des ateliers « vrai ou faux » avec les collèges du département.

Ressources du CLEMI : https://www.clemi.fr`,
  },
  {
    by: 'imaj',
    audience: 'PUBLIC',
    title: 'Safer Internet Day : les actions des promeneurs du Gers',
    themes: ['DIGITAL_PRACTICES', 'CYBERBULLYING'],
    links: [S.internetSansCrainte],
    body: `Pour la journée pour un internet plus sûr, le réseau propose des ateliers dans six communes : paramétrage des comptes, escape game sur les mots de passe, débat sur le cyberharcèlement.

Le programme national : https://www.internetsanscrainte.fr`,
  },
  {
    by: 'imaj',
    audience: 'PUBLIC',
    title: 'Journée nationale contre le harcèlement à l\'école : le réseau relaie',
    themes: ['CYBERBULLYING', 'SCHOOLING'],
    links: [S.education, S.eEnfance],
    body: `À l'occasion de la journée nationale de lutte contre le harcèlement à l'école, les promeneurs du Gers relaient les ressources et restent disponibles pendant leurs permanences.

- https://www.education.gouv.fr
- le 3018 : https://www.e-enfance.org`,
  },
  {
    by: 'caf',
    audience: 'NETWORK',
    title: 'Permanences en ligne : pensez à mettre à jour vos créneaux',
    themes: ['DIGITAL_PRACTICES'],
    body: `Les créneaux de permanence publiés dans l'application alimentent l'annuaire des partenaires et la carte « en ligne maintenant ». Un changement d'horaire ? Mettez-le à jour pour que les jeunes vous trouvent au bon moment.`,
  },
  {
    by: 'caf',
    audience: 'NETWORK',
    title: 'Appel à témoignages pour le prochain regroupement',
    themes: ['CITIZENSHIP'],
    body: `Nous cherchons deux structures pour témoigner au prochain regroupement : une action menée avec des jeunes, une situation accompagnée en ligne (anonymisée), une réussite ou une difficulté.

Répondez en commentaire ou par la messagerie de l'application.`,
  },
  {
    by: 'imaj',
    audience: 'NETWORK',
    title: 'Analyse de pratiques : de nouveaux groupes à Condom et à L\'Isle-Jourdain',
    themes: ['CITIZENSHIP'],
    body: `Deux nouveaux groupes d'analyse de pratiques démarrent, un à Condom et un à L'Isle-Jourdain, une séance toutes les six semaines. Confidentialité et bienveillance : on y parle des situations qui nous ont bousculés.

Inscriptions auprès de la coordination.`,
  },
];

/** The one post a coordinator hides: a paid training promoted with a promo code, against the charter. */
export const COMMERCIAL_POST: FixedPost = {
  title: 'Formation certifiante « community manager » : -30 % avec le code PROMENEUR32',
  themes: ['TRAINING', 'DIGITAL_PRACTICES'],
  body: `Un organisme de formation en ligne propose une certification de community manager en douze semaines. Avec le code **PROMENEUR32**, la formation passe à 890 € au lieu de 1 270 €, et je touche un petit bonus si vous vous inscrivez !

Places limitées, inscription avant la fin du mois.`,
};

export const HIDE_REASON =
  "Publicité pour une formation payante avec un code de parrainage : contraire à la charte (pas d'usage commercial du réseau). L'auteur a été prévenu.";

export const REPORT_REASONS = {
  commercial: [
    'Publicité pour une formation payante, avec un code de parrainage : ce n\'est pas l\'esprit du réseau.',
    'Usage commercial du fil, contraire à la charte.',
  ],
  outdated: "La date annoncée ne correspond pas à celle de l'affiche de la mairie : à vérifier avec la structure avant de relayer.",
};

export const COMMERCIAL_COMMENTS = [
  'Attention, il s\'agit d\'une formation payante, et le code rapporte une commission à l\'auteur…',
  "Je ne suis pas sûr que ce soit sa place ici. La coordination peut regarder ?",
];

// ------------------------------------------------------------------------------------- posts made from a structure

export interface PostContext {
  author: SeedMember;
  structure: SeedStructure;
  /** "au BIJ d'Auch" */
  at: string;
  /** "du BIJ d'Auch" */
  of: string;
  commune: string;
  prng: Prng;
}

export interface StructurePost {
  title: string;
  body: string;
  links?: Site[];
}

/** A kind of post every structure of some kinds could write: each structure writes it once at most. */
export interface PostFamily {
  key: string;
  kind: PostKind;
  themes: Theme[];
  fits: (structure: SeedStructure) => boolean;
  make: (c: PostContext) => StructurePost;
}

const YOUTH = (s: SeedStructure) => s.key !== 'caf';
const ofKind =
  (...kinds: StructureKind[]) =>
  (s: SeedStructure) =>
    s.key !== 'caf' && kinds.includes(s.kind);

const FESTIVALS = [
  { to: 'à Jazz in Marciac', program: 'les concerts gratuits de la place, une balade dans le village et un atelier de percussions' },
  { to: 'à Tempo Latino', program: 'un après-midi de concerts et une initiation à la salsa sous les arènes de Vic-Fezensac' },
  { to: "au Festival d'astronomie de Fleurance", program: 'une conférence accessible, des observations au télescope et un spectacle au planétarium' },
  { to: 'à CIRCa, le festival du cirque actuel', program: "un spectacle sous chapiteau à Auch et la rencontre d'une compagnie" },
  { to: "à l'Été photographique de Lectoure", program: 'une visite guidée des expositions et un atelier photo au smartphone' },
  { to: 'au Festival de bandas de Condom', program: "les défilés de bandas dans les rues et un échange avec des musiciens de l'harmonie" },
];

export const INITIATIVES: PostFamily[] = [
  {
    key: 'atelier-cv',
    kind: 'INITIATIVE',
    themes: ['EMPLOYMENT', 'ORIENTATION'],
    fits: ofKind('YOUTH_INFORMATION', 'LOCAL_MISSION', 'SOCIAL_CENTER', 'MUNICIPAL_YOUTH_SERVICE'),
    make: (c) => {
      const day = c.prng.pick(['mercredi', 'jeudi', 'samedi']);
      return {
        title: `Atelier CV et lettre de motivation tous les ${day}s ${c.at}`,
        links: [S.unJeuneUneSolution],
        body: `Chaque ${day} de 14 h à 16 h 30, ${c.at}, nous accueillons les 16–25 ans qui veulent préparer un CV, une lettre de motivation ou un entretien.

- sans rendez-vous, gratuit ;
- ordinateurs et imprimante sur place ;
- on peut venir avec une offre précise : job d'été, alternance, Service civique.

Les jeunes peuvent aussi m'envoyer leur CV en message pendant mes permanences en ligne : je le relis avec eux.

Offres et aides pour les 15–30 ans : https://www.1jeune1solution.gouv.fr`,
      };
    },
  },
  {
    key: 'sortie-festival',
    kind: 'INITIATIVE',
    themes: ['CULTURE', 'LEISURE'],
    fits: YOUTH,
    make: (c) => {
      const festival = c.prng.pick(FESTIVALS);
      const n = c.prng.int(8, 16);
      const price = c.prng.pick(['gratuite', '5 € par jeune', '8 € par jeune, pique-nique compris']);
      return {
        title: `Sortie ${festival.to} avec les jeunes ${c.of}`,
        links: [S.passCulture],
        body: `Un groupe de ${n} jeunes ${c.of} part ${festival.to} : ${festival.program}.

- transport en minibus, départ en début d'après-midi ;
- participation : ${price} ;
- autorisation parentale obligatoire pour les mineurs.

Les jeunes qui ont droit au Pass Culture peuvent l'utiliser pour certaines réservations : https://pass.culture.fr

Il reste quelques places : les structures voisines peuvent se greffer, écrivez-moi.`,
      };
    },
  },
  {
    key: 'tournoi-esport',
    kind: 'INITIATIVE',
    themes: ['LEISURE', 'DIGITAL_PRACTICES'],
    fits: ofKind('YOUTH_CLUB', 'MUNICIPAL_YOUTH_SERVICE', 'SOCIAL_CENTER'),
    make: (c) => {
      const game = c.prng.pick(['Rocket League', 'Mario Kart', 'EA Sports FC', 'Super Smash Bros']);
      return {
        title: `Tournoi ${game} et prévention ${c.at}`,
        links: [S.internetSansCrainte],
        body: `Tournoi ${game} en équipes de deux, ouvert aux 12–17 ans, un samedi après-midi ${c.at}.

Entre les matchs, un stand pour parler du temps d'écran, des achats dans les jeux et du respect en ligne, avec un quiz et des lots.

- inscription gratuite, sur place ou en message ;
- pauses obligatoires toutes les 45 minutes ;
- goûter offert.

Ressources utilisées pour le stand : https://www.internetsanscrainte.fr`,
      };
    },
  },
  {
    key: 'cafe-parents',
    kind: 'INITIATIVE',
    themes: ['PARENTING', 'DIGITAL_PRACTICES'],
    fits: ofKind('SOCIAL_CENTER', 'ADOLESCENT_HOUSE', 'YOUTH_CLUB', 'MUNICIPAL_YOUTH_SERVICE'),
    make: (c) => {
      const topic = c.prng.pick([
        'les écrans en famille',
        'premier téléphone : à quel âge ?',
        'réseaux sociaux : ce que font nos ados',
        'jeux vidéo : comprendre plutôt qu\'interdire',
      ]);
      return {
        title: `Café des parents ${c.at} : « ${topic} »`,
        links: [S.jeProtege],
        body: `Un moment convivial pour échanger entre parents, sans jugement, autour d'un café : « ${topic} ».

Animé par un promeneur du net et un professionnel de la parentalité. Les questions peuvent aussi être envoyées à l'avance, anonymement, par message.

Pour aller plus loin : https://jeprotegemonenfant.gouv.fr`,
      };
    },
  },
  {
    key: 'prevention-harcelement',
    kind: 'INITIATIVE',
    themes: ['CYBERBULLYING', 'SCHOOLING'],
    fits: ofKind('SPECIALISED_PREVENTION', 'ADOLESCENT_HOUSE', 'SOCIAL_CENTER', 'MUNICIPAL_YOUTH_SERVICE', 'YOUTH_INFORMATION', 'ASSOCIATION'),
    make: (c) => {
      const level = c.prng.pick(['6e', '5e', '4e']);
      return {
        title: `Prévention du harcèlement en classe de ${level} : l'action ${c.of}`,
        links: [S.eEnfance, S.education],
        body: `Avec l'équipe de vie scolaire du collège de ${c.commune}, nous intervenons dans toutes les classes de ${level} : deux séances d'une heure, en demi-groupe.

1. Ce qu'est le harcèlement, et ce qui n'en est pas.
2. Le rôle des témoins, en classe et en ligne.
3. Qui peut aider : les adultes du collège, les élèves ambassadeurs, le 3018.

Les élèves repartent avec une carte qui rappelle nos horaires de permanence en ligne.

- https://www.e-enfance.org
- https://www.education.gouv.fr`,
      };
    },
  },
  {
    key: 'web-radio',
    kind: 'INITIATIVE',
    themes: ['CULTURE', 'CITIZENSHIP', 'DIGITAL_PRACTICES'],
    fits: ofKind('YOUTH_CLUB', 'MUNICIPAL_YOUTH_SERVICE', 'SOCIAL_CENTER'),
    make: (c) => {
      const show = c.prng.pick(['Micro ouvert', 'Ondes gersoises', 'La voix des 15–25', 'On en parle ?']);
      return {
        title: `Web-radio : les jeunes ${c.of} lancent « ${show} »`,
        links: [S.clemi],
        body: `Premier épisode en ligne ! Les jeunes ont choisi les sujets, écrit les chroniques et tenu les micros : la vie au lycée, les transports en milieu rural, un portrait de bénévole.

L'émission est enregistrée un mercredi sur deux. Les jeunes qui veulent rejoindre l'équipe sont les bienvenus.

Ressources d'éducation aux médias : https://www.clemi.fr`,
      };
    },
  },
  {
    key: 'court-metrage',
    kind: 'INITIATIVE',
    themes: ['DIGITAL_PRACTICES', 'CITIZENSHIP'],
    fits: YOUTH,
    make: (c) => {
      const topic = c.prng.pick(['le cyberharcèlement', 'le consentement', 'le partage de photos', 'les arnaques en ligne', 'la sécurité routière']);
      return {
        title: `Court-métrage sur ${topic} tourné par les jeunes ${c.of}`,
        body: `Après six séances d'écriture et de tournage, les jeunes ont réalisé un court-métrage de trois minutes sur ${topic}. Ils ont tout fait : scénario, jeu, montage au smartphone.

La projection aura lieu lors de notre prochaine soirée ouverte aux familles. La vidéo sera ensuite partagée sur nos comptes : n'hésitez pas à la relayer pour vos propres ateliers.`,
      };
    },
  },
  {
    key: 'soiree-jeux',
    kind: 'INITIATIVE',
    themes: ['LEISURE'],
    fits: (s) => ofKind('YOUTH_CLUB', 'SOCIAL_CENTER', 'MUNICIPAL_YOUTH_SERVICE')(s) || s.key === 'fr-marciac',
    make: (c) => {
      const what = c.prng.pick(['jeux de société et jeux de rôle', 'loup-garou géant', 'quiz musical', 'jeux coopératifs']);
      return {
        title: `Soirée ${what} ${c.at}`,
        body: `Vendredi soir, de 19 h à 22 h : soirée ${what} pour les 13–17 ans. Chacun apporte quelque chose à partager pour le repas.

Une bonne occasion pour les jeunes qui ne connaissent pas encore la structure de passer la porte. Autorisation parentale pour le retour après 21 h.`,
      };
    },
  },
  {
    key: 'collecte-solidaire',
    kind: 'INITIATIVE',
    themes: ['CITIZENSHIP'],
    fits: YOUTH,
    make: (c) => {
      const what = c.prng.pick(["produits d'hygiène", 'fournitures scolaires', 'denrées non périssables', 'vêtements chauds']);
      return {
        title: `Collecte de ${what} organisée par les jeunes ${c.of}`,
        body: `Les jeunes ont eu l'idée, ils ont tout organisé : une collecte de ${what} au profit d'une association caritative de ${c.commune}.

- dépôt aux horaires d'ouverture ;
- les jeunes tiennent aussi un stand au marché le samedi matin.

Un beau projet d'engagement, que nous valoriserons dans leur parcours (attestation d'engagement bénévole).`,
      };
    },
  },
  {
    key: 'sport-libre',
    kind: 'INITIATIVE',
    themes: ['SPORT', 'LEISURE'],
    fits: (s) => ofKind('YOUTH_CLUB', 'MUNICIPAL_YOUTH_SERVICE', 'SOCIAL_CENTER', 'SPECIALISED_PREVENTION')(s) || s.key === 'fr-marciac',
    make: (c) => {
      const sport = c.prng.pick(['Futsal', 'Basket 3x3', 'Badminton', 'Ultimate']);
      const day = c.prng.pick(['mardi', 'jeudi', 'vendredi']);
      return {
        title: `${sport} en accès libre le ${day} soir avec les jeunes ${c.of}`,
        links: [S.sports],
        body: `${sport} en accès libre chaque ${day} de 18 h à 20 h au gymnase de ${c.commune}, pour les 14–20 ans, encadré par l'équipe.

Pas besoin d'être licencié : on vient comme on est, avec des baskets propres. C'est aussi un moment pour discuter de tout le reste.

Pour ceux qui veulent ensuite s'inscrire en club, le Pass'Sport peut aider : https://www.sports.gouv.fr`,
      };
    },
  },
  {
    key: 'sante-sexuelle',
    kind: 'INITIATIVE',
    themes: ['SEXUAL_HEALTH', 'HEALTH'],
    fits: ofKind('ADOLESCENT_HOUSE', 'YOUTH_INFORMATION', 'SOCIAL_CENTER', 'SPECIALISED_PREVENTION'),
    make: (c) => {
      const format = c.prng.pick(["stand d'information", 'atelier en petit groupe', 'permanence avec une infirmière']);
      return {
        title: `Vie affective et santé sexuelle : ${format} ${c.at}`,
        links: [S.onSexprime, S.filSanteJeunes],
        body: `Contraception, consentement, infections sexuellement transmissibles, relations : un ${format} pour répondre aux questions des jeunes, sans tabou et en toute confidentialité.

Préservatifs et documentation en libre accès. Les jeunes peuvent aussi poser leurs questions en message pendant nos permanences.

- https://www.onsexprime.fr
- https://www.filsantejeunes.com`,
      };
    },
  },
  {
    key: 'atelier-mobilite',
    kind: 'INITIATIVE',
    themes: ['MOBILITY'],
    fits: ofKind('LOCAL_MISSION', 'YOUTH_INFORMATION', 'SOCIAL_CENTER', 'MUNICIPAL_YOUTH_SERVICE'),
    make: (c) => ({
      title: `Atelier mobilité ${c.at} : code de la route, transports et aides au permis`,
      links: [S.servicePublic],
      body: `Dans un département rural, la mobilité est souvent le premier frein pour un stage ou un emploi. Notre atelier mobilité propose :

- des séances de code en ligne accompagnées ;
- le point sur les lignes de bus et le transport à la demande autour de ${c.commune} ;
- les aides au permis de conduire, dont l'aide pour les apprentis.

Démarches et conditions : https://www.service-public.fr`,
    }),
  },
  {
    key: 'projet-sejour',
    kind: 'INITIATIVE',
    themes: ['LEISURE', 'CITIZENSHIP', 'MOBILITY'],
    fits: ofKind('YOUTH_CLUB', 'MUNICIPAL_YOUTH_SERVICE', 'SOCIAL_CENTER'),
    make: (c) => {
      const destination = c.prng.pick(['à la montagne', "au bord de l'océan", 'à Barcelone', 'en itinérance à vélo le long du canal']);
      return {
        title: `Les jeunes ${c.of} préparent leur séjour ${destination}`,
        body: `Un groupe de jeunes a décidé de monter un séjour ${destination} de A à Z : budget, hébergement, activités, règles de vie.

Pour l'autofinancer, ils organisent un lavage de voitures et une tombola. Venez les encourager !

Accompagner un projet de jeunes, c'est long, mais c'est ce qui les fait le plus grandir.`,
      };
    },
  },
  {
    key: 'mes-reseaux-mes-regles',
    kind: 'INITIATIVE',
    themes: ['DIGITAL_PRACTICES'],
    fits: YOUTH,
    make: (c) => ({
      title: `Atelier « Mes réseaux, mes règles » ${c.at}`,
      links: [S.cnil],
      body: `Un atelier d'une heure et demie pour les 11–15 ans : chacun vient avec son téléphone, et on règle ensemble la confidentialité de ses comptes.

- compte privé ou public ?
- qui peut m'écrire, me voir, me localiser ?
- que faire si on publie une photo de moi sans mon accord ?

Fiches de référence : https://www.cnil.fr`,
    }),
  },
  {
    key: 'accompagnement-scolaire',
    kind: 'INITIATIVE',
    themes: ['SCHOOLING'],
    fits: ofKind('SOCIAL_CENTER', 'YOUTH_CLUB', 'MUNICIPAL_YOUTH_SERVICE'),
    make: (c) => {
      const days = c.prng.pick(['lundi et jeudi', 'mardi et vendredi', 'mardi et jeudi']);
      return {
        title: `Accompagnement scolaire des collégiens ${c.at} : inscriptions ouvertes`,
        body: `L'accompagnement scolaire reprend le ${days}, de 16 h 30 à 18 h, pour les collégiens : aide méthodologique, devoirs, et un temps d'activité culturelle.

Encadré par l'équipe et des bénévoles. Gratuit, sur inscription avec les parents.`,
      };
    },
  },
];

export const OPPORTUNITIES: PostFamily[] = [
  {
    key: 'job-dating',
    kind: 'OPPORTUNITY',
    themes: ['EMPLOYMENT'],
    fits: ofKind('LOCAL_MISSION', 'YOUTH_INFORMATION', 'MUNICIPAL_YOUTH_SERVICE', 'SOCIAL_CENTER'),
    make: (c) => {
      const n = c.prng.int(8, 20);
      const sectors = c.prng.shuffle(['campings', 'restauration', 'vendanges', 'accueils de loisirs', 'grande distribution', 'espaces verts']).slice(0, 3);
      return {
        title: `Job dating saisonniers ${c.at}`,
        links: [S.franceTravail, S.unJeuneUneSolution],
        body: `**${n} employeurs** du secteur de ${c.commune} recrutent pour la saison : ${sectors.join(', ')}.

- entretiens de dix minutes, sans rendez-vous ;
- venir avec plusieurs CV (on peut les imprimer sur place) ;
- ouvert dès 16 ans pour certains postes.

Offres et aides : https://www.francetravail.fr et https://www.1jeune1solution.gouv.fr`,
      };
    },
  },
  {
    key: 'service-civique',
    kind: 'OPPORTUNITY',
    themes: ['CITIZENSHIP', 'EMPLOYMENT'],
    fits: YOUTH,
    make: (c) => {
      const n = c.prng.int(1, 3);
      const missions = c.prng
        .shuffle([
          'animation de la permanence numérique',
          'accompagnement des projets de jeunes',
          'prévention et sensibilisation aux usages du numérique',
          "accueil et information des jeunes",
          'lien avec les associations sportives et culturelles',
        ])
        .slice(0, n);
      return {
        title: `Service civique : ${n === 1 ? 'une mission' : `${n} missions`} à pourvoir ${c.at}`,
        links: [S.serviceCivique],
        body: `${n === 1 ? 'Nous accueillons un ou une volontaire' : `Nous accueillons ${n} volontaires`} en Service civique, huit mois à partir du mois prochain, 24 heures par semaine :

${missions.map((m) => `- ${m}`).join('\n')}

Ouvert aux 16–25 ans (30 ans en situation de handicap), sans condition de diplôme. Indemnité mensuelle versée par l'État.

Candidature sur https://www.service-civique.gouv.fr`,
      };
    },
  },
  {
    key: 'bafa',
    kind: 'OPPORTUNITY',
    themes: ['TRAINING', 'EMPLOYMENT'],
    fits: ofKind('YOUTH_CLUB', 'SOCIAL_CENTER', 'MUNICIPAL_YOUTH_SERVICE', 'YOUTH_INFORMATION'),
    make: (c) => {
      const places = c.prng.int(3, 8);
      return {
        title: `BAFA : ${places} places aidées pour les jeunes du secteur de ${c.commune}`,
        links: [S.bafa, S.caf],
        body: `Nous finançons une partie de la formation générale du BAFA pour ${places} jeunes du secteur de ${c.commune}, en échange d'un stage pratique dans notre accueil de loisirs.

- avoir 17 ans au premier jour de la session ;
- s'inscrire sur https://www.bafa-bafd.gouv.fr
- l'aide de la CAF pour l'approfondissement s'ajoute : https://www.caf.fr

Les jeunes intéressés peuvent nous écrire pendant nos permanences.`,
      };
    },
  },
  {
    key: 'animateurs',
    kind: 'OPPORTUNITY',
    themes: ['EMPLOYMENT', 'LEISURE'],
    fits: ofKind('SOCIAL_CENTER', 'YOUTH_CLUB', 'MUNICIPAL_YOUTH_SERVICE'),
    make: (c) => {
      const n = c.prng.int(2, 6);
      return {
        title: `Recrutement d'animateurs et d'animatrices pour les vacances ${c.at}`,
        body: `Nous recrutons **${n} animateurs et animatrices** pour l'accueil de loisirs des prochaines vacances, en contrat d'engagement éducatif.

- BAFA complet ou stagiaire ;
- motivation pour les projets avec les 11–14 ans ;
- premier emploi bienvenu : on accompagne.

Candidature par message sur nos comptes, ou à l'accueil.`,
      };
    },
  },
  {
    key: 'vendanges',
    kind: 'OPPORTUNITY',
    themes: ['EMPLOYMENT'],
    fits: (s) => ['cs-nogaro', 'mjc-eauze', 'prev-condom', 'ej-vic', 'ml-auch', 'fr-marciac'].includes(s.key),
    make: (c) => ({
      title: `Vendanges en Armagnac : les offres relayées ${c.at}`,
      links: [S.franceTravail],
      body: `La saison des vendanges approche : les domaines autour de ${c.commune} cherchent des coupeurs et des porteurs, souvent dès 16 ans avec autorisation parentale.

- contrats de quelques jours à trois semaines ;
- transport parfois organisé depuis le bourg ;
- prévoir chaussures fermées, gants et casquette.

Offres : https://www.francetravail.fr`,
    }),
  },
  {
    key: 'argent-de-poche',
    kind: 'OPPORTUNITY',
    themes: ['EMPLOYMENT', 'CITIZENSHIP'],
    fits: ofKind('MUNICIPAL_YOUTH_SERVICE', 'SOCIAL_CENTER', 'YOUTH_CLUB'),
    make: (c) => ({
      title: `Dispositif « argent de poche » à ${c.commune} : inscriptions pour les 16–17 ans`,
      body: `Pendant les vacances, des missions de trois heures dans les services de la commune de ${c.commune} : espaces verts, archives, médiathèque, entretien du matériel sportif. Chaque demi-journée est indemnisée.

Inscriptions ${c.at}, avec une autorisation parentale. Les places partent vite !`,
    }),
  },
  {
    key: 'benevolat',
    kind: 'OPPORTUNITY',
    themes: ['CITIZENSHIP'],
    fits: YOUTH,
    make: (c) => {
      const n = c.prng.int(4, 12);
      return {
        title: `Bénévolat : ${n} missions courtes pour les 16–25 ans relayées ${c.at}`,
        links: [S.jeVeuxAider],
        body: `Envie de s'engager quelques heures ? Nous avons repéré ${n} missions courtes autour de ${c.commune} : festivals, banque alimentaire, accompagnement de personnes âgées, nettoyage de berges.

D'autres missions sur https://www.jeveuxaider.gouv.fr

Une expérience bénévole, ça se valorise ensuite sur un CV : on aide les jeunes à la mettre en mots.`,
      };
    },
  },
  {
    key: 'apprentissage',
    kind: 'OPPORTUNITY',
    themes: ['EMPLOYMENT', 'TRAINING', 'ORIENTATION'],
    fits: ofKind('LOCAL_MISSION', 'YOUTH_INFORMATION'),
    make: (c) => ({
      title: `Forum de l'apprentissage : rendez-vous ${c.at}`,
      links: [S.onisep],
      body: `Centres de formation d'apprentis, entreprises qui recrutent, anciens apprentis : un après-midi pour découvrir l'alternance et trouver un contrat.

- ouvert aux collégiens, lycéens, jeunes sortis d'études et parents ;
- aide à la rédaction du CV sur place.

Fiches formations et métiers : https://www.onisep.fr`,
    }),
  },
];

export const STRUCTURE_NEWS: PostFamily[] = [
  {
    key: 'horaires',
    kind: 'NEWS',
    themes: ['CITIZENSHIP'],
    fits: YOUTH,
    make: (c) => {
      const late = c.prng.pick(['mardi', 'mercredi', 'jeudi']);
      return {
        title: `Nouveaux horaires d'accueil ${c.of}`,
        body: `À partir de la semaine prochaine, l'accueil ${c.of} est ouvert :

- du lundi au vendredi de 13 h 30 à 18 h ;
- le ${late} jusqu'à 19 h 30 ;
- le samedi matin pendant les vacances scolaires.

Les permanences en ligne ne changent pas.`,
      };
    },
  },
  {
    key: 'programme-vacances',
    kind: 'NEWS',
    themes: ['LEISURE', 'CULTURE'],
    fits: (s) => ofKind('YOUTH_CLUB', 'MUNICIPAL_YOUTH_SERVICE', 'SOCIAL_CENTER', 'YOUTH_INFORMATION')(s) || s.key === 'fr-marciac',
    make: (c) => {
      const activities = c.prng.shuffle(['accrobranche', 'atelier graff', 'sortie piscine', 'cuisine du monde', 'journée à la base de loisirs', 'tournoi de pétanque', 'stage de théâtre']).slice(0, 4);
      return {
        title: `Vacances scolaires : le programme ${c.of}`,
        body: `Le programme des vacances est arrivé ! Au menu : ${activities.join(', ')}.

Inscriptions à l'accueil ou en message pendant nos permanences. Tarifs selon le quotient familial.`,
      };
    },
  },
  {
    key: 'bilan-en-ligne',
    kind: 'NEWS',
    themes: ['DIGITAL_PRACTICES'],
    fits: YOUTH,
    make: (c) => {
      const contacts = c.prng.int(40, 160);
      const daily = c.prng.int(38, 52);
      const practical = c.prng.int(20, 30);
      return {
        title: `Permanences en ligne ${c.of} : ce que les jeunes nous demandent`,
        body: `Petit bilan de nos permanences de ces derniers mois : **${contacts} jeunes** nous ont contactés en ligne.

- vie quotidienne et prévention : environ ${daily} % des demandes ;
- informations pratiques sur les structures : environ ${practical} % ;
- le reste : projets, usages du numérique, questions personnelles.

Des chiffres uniquement : nous ne gardons aucune donnée sur les jeunes.`,
      };
    },
  },
  {
    key: 'nouveau-compte',
    kind: 'NEWS',
    themes: ['DIGITAL_PRACTICES'],
    fits: (s) => YOUTH(s) && s.channels.length > 0,
    make: (c) => {
      const network = NETWORK_NAMES[c.prng.pick(c.structure.channels).network] ?? 'nos réseaux';
      return {
        title: `Notre compte ${network} fait peau neuve — ${c.structure.name}`,
        body: `Nouvelle présentation, horaires de permanence épinglés, stories thématiques chaque semaine : le compte ${network} ${c.of} a été repensé avec un groupe de jeunes.

Abonnez-vous et relayez auprès des jeunes que vous accompagnez !`,
      };
    },
  },
  {
    key: 'mois-sans-tabac',
    kind: 'NEWS',
    themes: ['HEALTH', 'ADDICTION'],
    fits: ofKind('ADOLESCENT_HOUSE', 'YOUTH_INFORMATION', 'SOCIAL_CENTER', 'SPECIALISED_PREVENTION', 'LOCAL_MISSION', 'YOUTH_CLUB'),
    make: (c) => ({
      title: `Mois sans tabac : stand d'information ${c.at}`,
      links: [S.tabac],
      body: `En novembre, c'est le Mois sans tabac : un stand d'information ${c.at}, avec un quiz, des kits d'aide à l'arrêt et des réponses sur la puff et la cigarette électronique.

Coaching gratuit : https://www.tabac-info-service.fr`,
    }),
  },
  {
    key: 'portes-ouvertes',
    kind: 'NEWS',
    themes: ['CITIZENSHIP', 'LEISURE'],
    fits: YOUTH,
    make: (c) => ({
      title: `Portes ouvertes ${c.of}`,
      body: `Samedi, de 10 h à 17 h : portes ouvertes ${c.of}. Présentation des activités, rencontre de l'équipe, démonstrations par les jeunes, et un goûter.

Une bonne occasion pour les familles nouvellement arrivées à ${c.commune} de découvrir ce qui existe pour les ados.`,
    }),
  },
];

// ------------------------------------------------------------------------------------- short texts

/** What people write when they republish, by the kind of the original. */
export const REPUBLICATION_COMMENTS: Record<PostKind, string[]> = {
  INITIATIVE: [
    'Belle initiative de nos collègues, à diffuser !',
    'Je relaie : ça peut donner des idées aux jeunes de notre secteur.',
    'Bravo à l\'équipe, je partage auprès des jeunes que nous suivons.',
    'À relayer largement !',
    'Relayé aussi sur notre compte Instagram.',
  ],
  OPPORTUNITY: [
    'Pour les jeunes de notre secteur qui cherchent quelque chose pour cet été.',
    'Je partage : plusieurs jeunes nous ont posé la question cette semaine.',
    'À transmettre aux jeunes que vous accompagnez !',
    'Offre intéressante, je relaie.',
  ],
  RESOURCE: [
    'Ressource très claire, je la garde sous le coude pour les permanences.',
    'Indispensable, je partage.',
    'À connaître pour toutes nos permanences.',
    'Merci pour ce rappel utile, je relaie.',
  ],
  NEWS: ['Info à faire circuler.', 'Je relaie pour les jeunes et les familles du secteur.', 'À savoir !'],
  QUESTION: ['Bonne question, je relaie pour avoir plus de retours.'],
};

/** Comments on posts that are not questions, by kind. */
export const COMMENTS: Record<Exclude<PostKind, 'QUESTION'>, string[]> = {
  INITIATIVE: [
    'Super initiative ! Vous avez eu combien de jeunes ?',
    'Bravo à toute l\'équipe.',
    'On aimerait faire la même chose chez nous, on peut en parler ?',
    'Très bonne idée, les jeunes adorent ce genre de projet.',
    'Merci du partage, ça donne envie !',
    'Est-ce que les jeunes des communes voisines peuvent venir ?',
    'On a fait quelque chose de proche l\'an dernier, je vous envoie notre bilan.',
    'Hâte de voir le résultat !',
    'Génial, je transmets aux jeunes de notre secteur.',
    'Belle dynamique, bravo.',
  ],
  OPPORTUNITY: [
    'Je transmets aux jeunes que j\'accompagne.',
    'Est-ce ouvert aux mineurs de 16 ans ?',
    'Merci, plusieurs jeunes cherchaient justement.',
    'Je relaie en story ce soir.',
    'Il reste des places ?',
    'Top, je l\'ai affiché à l\'accueil.',
    'Les jeunes sans voiture peuvent-ils être aidés pour le transport ?',
  ],
  RESOURCE: [
    'Merci, je l\'ajoute à notre classeur ressources.',
    'Très utile, merci !',
    'Je ne connaissais pas, merci du partage.',
    'Parfait pour notre prochain atelier.',
    'Je l\'utilise déjà, je confirme que c\'est très bien fait.',
    'À épingler !',
    'Merci, je le montre à l\'équipe lundi.',
  ],
  NEWS: [
    'Merci pour l\'info !',
    'Bien noté.',
    'Merci, je fais passer.',
    'Bonne nouvelle !',
    'Merci pour ce retour.',
  ],
};

export const QUESTION_THANKS = ['Merci à tous, c\'est très clair !', 'Merci pour vos réponses, ça m\'aide beaucoup.', 'Merci, je vais tester ça.'];
