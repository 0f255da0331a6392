import { registerEnumType } from '@nestjs/graphql';

export enum AlertSeverity {
  INFO = 'INFO',
  WARNING = 'WARNING',
  CRITICAL = 'CRITICAL',
}

export enum AlertCategory {
  VIRAL_CHALLENGE = 'VIRAL_CHALLENGE',
  CYBERBULLYING = 'CYBERBULLYING',
  SCAM = 'SCAM',
  MENTAL_HEALTH = 'MENTAL_HEALTH',
  SAFEGUARDING = 'SAFEGUARDING',
  SERVICE_DISRUPTION = 'SERVICE_DISRUPTION',
  OTHER = 'OTHER',
}

export enum AlertStatus {
  ACTIVE = 'ACTIVE',
  RESOLVED = 'RESOLVED',
  EXPIRED = 'EXPIRED',
}

/** INFO < WARNING < CRITICAL, for `minSeverity`. */
export const SEVERITY_ORDER: readonly AlertSeverity[] = [AlertSeverity.INFO, AlertSeverity.WARNING, AlertSeverity.CRITICAL];

export function severitiesFrom(min: AlertSeverity | null | undefined): AlertSeverity[] {
  return min ? SEVERITY_ORDER.slice(SEVERITY_ORDER.indexOf(min)) : [...SEVERITY_ORDER];
}

registerEnumType(AlertSeverity, {
  name: 'AlertSeverity',
  valuesMap: { CRITICAL: { description: 'Re-announced on alertUpdated to those who have not acknowledged it, until acknowledged, resolved or expired' } },
});
registerEnumType(AlertCategory, { name: 'AlertCategory' });
registerEnumType(AlertStatus, {
  name: 'AlertStatus',
  valuesMap: {
    RESOLVED: { description: 'A coordinator resolved it with a note' },
    EXPIRED: { description: 'Its expiresAt has passed (and it was not resolved before)' },
  },
});
