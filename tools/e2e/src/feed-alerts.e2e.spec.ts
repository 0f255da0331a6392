import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AcknowledgeAlertDocument,
  AlertDocument,
  AlertsDocument,
  CreateStructureDocument,
  RaiseAlertDocument,
  ResolveAlertDocument,
  WhoHasNotAcknowledgedDocument,
} from '@pdn/client';
import { activate, createStructure, join, signInAdmin, type Person } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

// Network alerts end to end: raised and acknowledged in feed, authors and "who has not acknowledged"
// resolved across members and feed by the gateway, each caller with their own token.
describe('network alerts through the gateway', () => {
  let system: RunningSystem;
  let coordinator: Person;
  let alice: Person;
  let bruno: Person;
  let hugo: Person;

  beforeAll(async () => {
    system = await startSystem();
    const admin = await signInAdmin(system);
    const bij = await createStructure(admin, "BIJ d'Auch");
    coordinator = await join(system, admin, { structureId: null, email: 'coordination@caf32-alerts.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' });
    alice = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId: bij, email: 'alice@alerts-auch.test', firstName: 'Alice', lastName: 'Gers' }));
    bruno = await activate(system, coordinator.client, await join(system, coordinator.client, { structureId: bij, email: 'bruno@alerts-auch.test', firstName: 'Bruno', lastName: 'Gers' }));
    const created = await admin.request(CreateStructureDocument, {
      input: { name: 'MJC de Muret', kind: 'YOUTH_INFORMATION', commune: 'Muret', department: '31', postalCode: '31600' },
    });
    const muret = created.data!.createStructure.id;
    hugo = await activate(system, admin, await join(system, admin, { structureId: muret, email: 'hugo@alerts-muret.test', firstName: 'Hugo', lastName: 'Garonne', department: '31' }));
  }, 180_000);

  afterAll(() => system?.close());

  it('should raise, acknowledge, list who has not acknowledged, and resolve', async () => {
    const raised = await coordinator.client.request(RaiseAlertDocument, {
      input: {
        severity: 'CRITICAL',
        category: 'VIRAL_CHALLENGE',
        title: 'Défi dangereux dans les collèges',
        body: 'Un « défi » circule depuis lundi.\nParlez-en avec les jeunes.',
        departments: ['32'],
        themes: ['HEALTH'],
      },
    });
    expect(raised.errors).toBeUndefined();
    const alert = raised.data!.raiseAlert;
    expect(alert).toMatchObject({
      status: 'ACTIVE',
      acknowledgementCount: 0,
      acknowledgedByMe: false,
      raisedBy: { id: coordinator.id, displayName: coordinator.displayName },
    });

    const acknowledged = await alice.client.request(AcknowledgeAlertDocument, { id: alert.id });
    expect(acknowledged.data!.acknowledgeAlert).toEqual({ id: alert.id, status: 'ACTIVE', acknowledgementCount: 1, acknowledgedByMe: true });
    const again = await alice.client.request(AcknowledgeAlertDocument, { id: alert.id });
    expect(again.data!.acknowledgeAlert.acknowledgementCount).toBe(1);

    const who = await coordinator.client.request(WhoHasNotAcknowledgedDocument, { id: alert.id, department: '32', first: 50 });
    expect(who.errors).toBeUndefined();
    const byName = new Map(who.data!.members.edges.map((e) => [e.node.displayName, e.node.hasAcknowledged]));
    expect(byName.get(alice.displayName)).toBe(true);
    expect(byName.get(bruno.displayName)).toBe(false);

    const seen = await bruno.client.request(AlertsDocument, { filter: { activeOnly: true, minSeverity: 'WARNING' } });
    expect(seen.data!.alerts.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ id: alert.id, acknowledgementCount: 1, acknowledgedByMe: false, raisedBy: { id: coordinator.id, displayName: coordinator.displayName } }),
    ]);

    const resolved = await coordinator.client.request(ResolveAlertDocument, { id: alert.id, note: 'Les établissements ont été prévenus.' });
    expect(resolved.data!.resolveAlert.status).toBe('RESOLVED');
    const late = await bruno.client.request(AcknowledgeAlertDocument, { id: alert.id });
    expect(late.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    expect((await bruno.client.request(AlertsDocument, { filter: { activeOnly: true } })).data!.alerts.totalCount).toBe(0);
  });

  it('should refuse contact data, keep other départements and anonymous callers out', async () => {
    const refused = await coordinator.client.request(RaiseAlertDocument, {
      input: { severity: 'WARNING', category: 'CYBERBULLYING', title: 'Harcèlement', body: 'Joindre la jeune au +33 6 12 34 56 78', departments: ['32'] },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.body' });
    const elsewhere = await coordinator.client.request(RaiseAlertDocument, {
      input: { severity: 'WARNING', category: 'SCAM', title: 'Arnaque', body: 'Vigilance.', departments: ['31'] },
    });
    expect(elsewhere.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    const raised = await coordinator.client.request(RaiseAlertDocument, {
      input: { severity: 'INFO', category: 'SERVICE_DISRUPTION', title: 'Point info fermé jeudi', body: 'Fermeture exceptionnelle.', departments: ['32'] },
    });
    const id = raised.data!.raiseAlert.id;
    expect((await hugo.client.request(AlertDocument, { id })).data!.alert).toBeNull();
    expect((await hugo.client.request(AlertsDocument, {})).data!.alerts.totalCount).toBe(0);
    expect((await hugo.client.request(AcknowledgeAlertDocument, { id })).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect((await system.anonymous.request(AlertsDocument, {})).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });
});
