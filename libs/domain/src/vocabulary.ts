import { registerEnumType } from '@nestjs/graphql';

/**
 * The programme's words as the API contract spells them. Every subgraph registers the same enums, so
 * they compose into one type each in the supergraph.
 */
export enum Role {
  PROMENEUR = 'PROMENEUR',
  COORDINATOR = 'COORDINATOR',
  ADMIN = 'ADMIN',
}
export enum MemberStatus {
  CANDIDATE = 'CANDIDATE',
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  LEFT = 'LEFT',
}
export enum Audience {
  YOUTH = 'YOUTH',
  PARENTS = 'PARENTS',
}
export enum SocialNetwork {
  FACEBOOK = 'FACEBOOK',
  INSTAGRAM = 'INSTAGRAM',
  SNAPCHAT = 'SNAPCHAT',
  TIKTOK = 'TIKTOK',
  DISCORD = 'DISCORD',
  WHATSAPP = 'WHATSAPP',
  X = 'X',
  YOUTUBE = 'YOUTUBE',
  TWITCH = 'TWITCH',
  SKYPE = 'SKYPE',
  OTHER = 'OTHER',
}
export enum StructureKind {
  SOCIAL_CENTER = 'SOCIAL_CENTER',
  YOUTH_CLUB = 'YOUTH_CLUB',
  YOUTH_INFORMATION = 'YOUTH_INFORMATION',
  LOCAL_MISSION = 'LOCAL_MISSION',
  MUNICIPAL_YOUTH_SERVICE = 'MUNICIPAL_YOUTH_SERVICE',
  SPECIALISED_PREVENTION = 'SPECIALISED_PREVENTION',
  ADOLESCENT_HOUSE = 'ADOLESCENT_HOUSE',
  SCHOOL = 'SCHOOL',
  ASSOCIATION = 'ASSOCIATION',
  OTHER = 'OTHER',
}
export enum Theme {
  ORIENTATION = 'ORIENTATION',
  EMPLOYMENT = 'EMPLOYMENT',
  TRAINING = 'TRAINING',
  HEALTH = 'HEALTH',
  SEXUAL_HEALTH = 'SEXUAL_HEALTH',
  ADDICTION = 'ADDICTION',
  DIGITAL_PRACTICES = 'DIGITAL_PRACTICES',
  CYBERBULLYING = 'CYBERBULLYING',
  LEISURE = 'LEISURE',
  CULTURE = 'CULTURE',
  SPORT = 'SPORT',
  HOUSING = 'HOUSING',
  MOBILITY = 'MOBILITY',
  CITIZENSHIP = 'CITIZENSHIP',
  PARENTING = 'PARENTING',
  SCHOOLING = 'SCHOOLING',
  DISCRIMINATION = 'DISCRIMINATION',
}

registerEnumType(Role, { name: 'Role' });
registerEnumType(MemberStatus, { name: 'MemberStatus' });
registerEnumType(Audience, { name: 'Audience' });
registerEnumType(SocialNetwork, { name: 'SocialNetwork' });
registerEnumType(StructureKind, { name: 'StructureKind' });
registerEnumType(Theme, { name: 'Theme' });
