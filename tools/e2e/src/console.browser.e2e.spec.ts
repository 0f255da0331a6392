// The coordinators' console in a real browser: Debian's Chromium (`apt-get install chromium`, which
// .ci/run does) driven by playwright-core, against the whole system (subgraph processes + gateway).
// Fails, rather than skips, when Chromium is missing.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import {
  AcceptInvitationDocument,
  CreateStructureDocument,
  InviteMemberDocument,
  LoginDocument,
  type PdnClient,
  RaiseAlertDocument,
  type Role,
} from '@pdn/client';
import { createGateway, loadGatewayConfig, type RunningGateway } from '@pdn/gateway';
import { ADMIN, startSystem, type RunningSystem } from './system.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const COORDINATOR = { email: 'coordination@caf32.test', password: 'coordination-console-2026' };
const SCREENSHOT = join(tmpdir(), 'pdn-console-report.png');

describe('the coordinators console in Chromium', () => {
  let system: RunningSystem;
  /** The system's gateway (NODE_ENV test: anyone may introspect). */
  let origin: string;
  /** A gateway over the same subgraphs set as in production, where only signed-in callers may introspect. */
  let production: RunningGateway;
  let productionOrigin: string;
  let context: BrowserContext;
  let profile: string;
  let coordinator: PdnClient;
  const requests: string[] = [];

  async function invite(by: PdnClient, email: string, role: Role, firstName: string, lastName: string, structureId: string, password: string) {
    const invited = await by.request(InviteMemberDocument, { input: { email, firstName, lastName, role, structureId, department: '32' } });
    expect(invited.errors).toBeUndefined();
    const accepted = await system.anonymous.request(AcceptInvitationDocument, { token: invited.data!.inviteMember.token, password });
    expect(accepted.errors).toBeUndefined();
  }

  /** A fresh page that records every request it makes and every CSP violation it meets. */
  async function openConsole(path = '/console', at = origin): Promise<Page> {
    const page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('websocket', (socket) => requests.push(socket.url()));
    // Browser code as text: this file is typed for Node, without the DOM.
    await page.addInitScript({
      content: `window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
    });
    await page.goto(new URL(path, at).href);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    return page;
  }

  async function signIn(page: Page, email: string, password: string) {
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const cspViolations = (page: Page) => page.evaluate<string[] | undefined>('window.cspViolations');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does)`);
    }
    system = await startSystem();
    origin = new URL(system.gatewayUrl).origin;

    const adminSession = await system.anonymous.request(LoginDocument, ADMIN);
    expect(adminSession.errors).toBeUndefined();
    const admin = system.anonymous.withToken(adminSession.data!.login.accessToken);
    const structure = await admin.request(CreateStructureDocument, {
      input: { name: "BIJ d'Auch", kind: 'YOUTH_INFORMATION', commune: 'Auch', department: '32' },
    });
    expect(structure.errors).toBeUndefined();
    const structureId = structure.data!.createStructure.id;
    await invite(admin, COORDINATOR.email, 'COORDINATOR', 'Claire', 'Dubosc', structureId, COORDINATOR.password);
    const coordinatorSession = await system.anonymous.request(LoginDocument, COORDINATOR);
    coordinator = system.anonymous.withToken(coordinatorSession.data!.login.accessToken);
    // Two candidates: invited and signed up, not validated yet.
    await invite(coordinator, 'isabelle@bij-auch.test', 'PROMENEUR', 'Isabelle', 'Laffargue', structureId, 'promeneuse-2026');
    await invite(coordinator, 'paul@bij-auch.test', 'PROMENEUR', 'Paul', 'Armagnac', structureId, 'promeneur-2026');

    // As in production, but with the subgraphs' (development) identity key, which production refuses at boot;
    // with the safelist enforced, so the console's own sign-in must be one of the persisted operations.
    const config = loadGatewayConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      SAFELIST_ONLY: 'true',
      GATEWAY_PORT: '0',
      MEMBERS_URL: system.members.url,
      CALENDAR_URL: system.calendar.url,
      FEED_URL: system.feed.url,
    });
    production = await createGateway({ ...config, nodeEnv: 'production' });
    productionOrigin = new URL(production.url).origin;

    profile = mkdtempSync(join(tmpdir(), 'pdn-console-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1400, height: 900 },
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await production?.stop();
    await system?.close();
  });

  it('should ask anonymous visitors to sign in to explore the schema where the gateway keeps it for members', async () => {
    const page = await openConsole('/console', productionOrigin);
    const notice = page.locator('[data-state="schema-refused"]');
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/Sign in to explore the schema/);

    await signIn(page, COORDINATOR.email, COORDINATOR.password);
    await page.getByText('Signed in as').waitFor();
    await notice.waitFor({ state: 'detached' });
    await page.locator('.pdn-reports').waitFor(); // the console opened its reports pane
    // The schema is there: the documentation explorer shows Query's fields.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('Query', { exact: true }).click();
    await docs.getByText('members', { exact: true }).first().waitFor();
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('should sign in, run the "members awaiting validation" report in one click and show the candidates', async () => {
    const page = await openConsole('/console', productionOrigin);
    await signIn(page, COORDINATOR.email, COORDINATOR.password);
    await page.getByText('Signed in as').waitFor();
    expect(await page.locator('.pdn-signed-in').innerText()).toMatch(/Claire.*coordinator, département 32/s);

    const report = page.locator('li[data-report="members-awaiting-validation"]');
    await report.getByRole('button', { name: 'Members awaiting validation' }).click();

    // The raw result in GraphiQL's response pane, and what it means in the reports pane.
    const response = page.locator('.graphiql-response');
    await response.filter({ hasText: 'Laffargue' }).waitFor();
    expect(await response.innerText()).toMatch(/"lastName": "Armagnac"/);
    const highlight = report.getByRole('status');
    await highlight.waitFor();
    expect(await highlight.innerText()).toMatch(/2 candidates awaiting validation[\s\S]*Isabelle Laffargue \(BIJ d'Auch\): charter not accepted yet/);
    // The editors hold the report and the variables the console filled in.
    expect(await page.locator('.graphiql-query-editor').innerText()).toMatch(/query MembersAwaitingValidation/);
    expect(await page.locator('.graphiql-editor-tool').innerText()).toMatch(/"department": "32"/);
    await page.screenshot({ path: SCREENSHOT });

    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('should run every saved report without an error, within the limits the gateway sets for members', async () => {
    const page = await openConsole('/console', productionOrigin);
    await signIn(page, COORDINATOR.email, COORDINATOR.password);
    await page.getByText('Signed in as').waitFor();
    const ids = await page.locator('li[data-report]').evaluateAll((items) => items.map((item) => item.getAttribute('data-report')!));
    expect(ids.sort()).toEqual(['alerts-not-acknowledged', 'members-awaiting-validation', 'promeneurs-under-commitment', 'training-attendance-by-structure']);
    for (const id of ids) {
      const report = page.locator(`li[data-report="${id}"]`);
      await report.getByRole('button').click();
      // A highlight appears once the report's result holds data.
      await report.getByRole('status').waitFor();
      const response = await page.locator('.graphiql-response').innerText();
      expect(response).toMatch(/"data"/);
      expect(response).not.toMatch(/"errors"/);
    }
    await page.close();
  }, 60_000);

  it('should show the gateway refusing a wrong password, and sign out', async () => {
    const page = await openConsole('/graphql');
    await signIn(page, 'nobody@caf32.test', 'not-the-password');
    const error = page.locator('.pdn-sign-in [role="alert"]');
    await error.waitFor();
    expect(await error.innerText()).not.toBe('');
    expect(await page.locator('li[data-report] button').first().isDisabled()).toBe(true);

    await signIn(page, COORDINATOR.email, COORDINATOR.password);
    await page.locator('li[data-report="members-awaiting-validation"] button').click();
    await page.locator('.graphiql-response').filter({ hasText: 'Laffargue' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.locator('li[data-report] button').first().isDisabled()).toBe(true);
    // Nothing the coordinator saw stays on screen: not the result, not the query in a tab or the history.
    await page.locator('.graphiql-query-editor').filter({ hasText: 'query Me' }).waitFor();
    expect(await page.locator('.graphiql-container').innerText()).not.toMatch(/Laffargue|MembersAwaitingValidation/);
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('should stream a subscription over graphql-ws as the signed-in member, and close it on sign-out', async () => {
    const page = await openConsole('/console', productionOrigin);
    await signIn(page, COORDINATOR.email, COORDINATOR.password);
    await page.getByText('Signed in as').waitFor();
    await page.locator('.pdn-reports').waitFor();
    const socket = page.waitForEvent('websocket');
    await page.evaluate(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(
      'subscription Alerts { alertRaised { title severity raisedBy { displayName } } }')`);
    await page.locator('.graphiql-execute-button').click();
    const websocket = await socket;
    expect(new URL(websocket.url()).host).toBe(new URL(productionOrigin).host);

    // Raised until one arrives: the subscription starts when the socket has said connection_init.
    const response = page.locator('.graphiql-response');
    let received = false;
    for (let attempt = 1; !received && attempt <= 20; attempt++) {
      const raised = await coordinator.request(RaiseAlertDocument, {
        input: { severity: 'WARNING', category: 'SCAM', title: `Faux site de bourses ${attempt}`, body: 'Un faux site demande des frais.', departments: ['32'] },
      });
      expect(raised.errors).toBeUndefined();
      received = await response
        .filter({ hasText: 'Faux site de bourses' })
        .waitFor({ timeout: 500 })
        .then(() => true, () => false);
    }
    expect(received).toBe(true);
    expect(await response.innerText()).toMatch(/"displayName": "Claire/);

    const closed = websocket.isClosed() ? Promise.resolve() : websocket.waitForEvent('close');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await closed;
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('should have loaded everything from the gateway itself', () => {
    expect(requests.length).toBeGreaterThan(4);
    const gateways = [origin, productionOrigin].map((o) => new URL(o).host);
    const elsewhere = requests.filter((url) => {
      const parsed = new URL(url);
      return !gateways.includes(parsed.host) || !/^(https?|wss?):$/.test(parsed.protocol);
    });
    expect(elsewhere).toEqual([]);
  });
});
