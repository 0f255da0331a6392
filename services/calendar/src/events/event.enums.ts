import { registerEnumType } from '@nestjs/graphql';

export enum EventKind {
  INITIAL_TRAINING = 'INITIAL_TRAINING',
  TRAINING = 'TRAINING',
  WORKSHOP = 'WORKSHOP',
  REGROUPEMENT = 'REGROUPEMENT',
  REGIONAL_DAY = 'REGIONAL_DAY',
  WEBINAR = 'WEBINAR',
}

export enum EventStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  CANCELLED = 'CANCELLED',
  COMPLETED = 'COMPLETED',
}

export enum JoinMode {
  OPEN = 'OPEN',
  APPROVAL = 'APPROVAL',
}

registerEnumType(EventKind, { name: 'EventKind', description: 'Initial trainings (2–4 days), trainings, workshops, regroupement days, regional days, webinars' });
registerEnumType(EventStatus, {
  name: 'EventStatus',
  description: 'DRAFT until a coordinator publishes it; CANCELLED by cancelEvent; COMPLETED by closeEvent',
  valuesMap: { DRAFT: { description: 'Seen by the coordinators of its département only' } },
});
registerEnumType(JoinMode, {
  name: 'JoinMode',
  valuesMap: {
    OPEN: { description: 'Registrations are confirmed while seats are left, then waitlisted' },
    APPROVAL: { description: 'Registrations wait for a coordinator\'s decision (decideRegistration)' },
  },
});
