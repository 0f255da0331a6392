import { randomUUID } from 'node:crypto';
import type { Caller, MemberCaller } from '@pdn/identity';
import type { Clock } from '@pdn/subgraph';
import { AlertCategory, AlertSeverity } from '../src/alerts/alert.enums.js';
import type { RaiseAlertInput } from '../src/alerts/alert.input.js';

/** Callers as the gateway signs them. */
export function promeneurOf(department = '32'): MemberCaller {
  return { kind: 'member', memberId: randomUUID(), role: 'PROMENEUR', status: 'ACTIVE', departments: [department] };
}

export function coordinatorOf(...departments: string[]): MemberCaller {
  return { kind: 'member', memberId: randomUUID(), role: 'COORDINATOR', status: 'ACTIVE', departments };
}

export function admin(): MemberCaller {
  return { kind: 'member', memberId: randomUUID(), role: 'ADMIN', status: 'ACTIVE', departments: [] };
}

export const anonymous: Caller = { kind: 'anonymous' };
export const partner: Caller = { kind: 'partner', apiKeyId: randomUUID(), scopes: ['ALERTS_READ', 'FEED_READ'], departments: ['32'] };

export class TestClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date | string): void {
    this.current = new Date(instant);
  }
  advanceMinutes(minutes: number): void {
    this.current = new Date(this.current.getTime() + minutes * 60_000);
  }
}

export function alertInput(overrides: Partial<RaiseAlertInput> = {}): RaiseAlertInput {
  return {
    severity: AlertSeverity.WARNING,
    category: AlertCategory.VIRAL_CHALLENGE,
    title: 'Défi dangereux sur TikTok',
    body: 'Un « défi » circule chez les collégiens du Gers depuis lundi.\nParlez-en avec les jeunes que vous accompagnez.',
    departments: ['32'],
    ...overrides,
  };
}

export { refusal } from '@pdn/errors/testing';
