import { registerEnumType } from '@nestjs/graphql';

export enum PostKind {
  NEWS = 'NEWS',
  RESOURCE = 'RESOURCE',
  INITIATIVE = 'INITIATIVE',
  OPPORTUNITY = 'OPPORTUNITY',
  QUESTION = 'QUESTION',
}

export enum PostAudience {
  PUBLIC = 'PUBLIC',
  NETWORK = 'NETWORK',
}

export enum PostStatus {
  PUBLISHED = 'PUBLISHED',
  HIDDEN = 'HIDDEN',
}

export enum Reaction {
  USEFUL = 'USEFUL',
  THANKS = 'THANKS',
  SUPPORT = 'SUPPORT',
}

export enum ModerationAction {
  HIDE = 'HIDE',
  RESTORE = 'RESTORE',
}

registerEnumType(PostKind, { name: 'PostKind' });
registerEnumType(PostAudience, {
  name: 'PostAudience',
  valuesMap: {
    PUBLIC: { description: 'Anyone: anonymous callers, partner applications, members' },
    NETWORK: { description: 'Signed-in network members (active or candidate) only' },
  },
});
registerEnumType(PostStatus, {
  name: 'PostStatus',
  valuesMap: { HIDDEN: { description: 'Hidden by a coordinator: seen only by its author and the coordinators of its département' } },
});
registerEnumType(Reaction, { name: 'Reaction' });
registerEnumType(ModerationAction, { name: 'ModerationAction' });
