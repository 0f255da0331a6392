import { describe, expect, it } from '@jest/globals';
import { Audience, SocialNetwork, StructureKind, Theme, validate } from '@pdn/domain';
import { DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD, DEMO_PASSWORD, adminCredentials, demoLogins } from './demo-logins.js';
import { COORDINATORS, DEPARTMENT, GERS_COMMUNES, PROMENEURS, STRUCTURES, type SeedMember } from './gers-network.js';

const members: SeedMember[] = [...COORDINATORS, ...PROMENEURS];
const structureKeys = new Set(STRUCTURES.map((s) => s.key));

describe('the Gers demo network', () => {
  it('should place every commune in the Gers, with a 32xxx postal code and a 32xxx INSEE code', () => {
    for (const commune of Object.values(GERS_COMMUNES)) {
      expect(commune.postalCode).toMatch(/^32\d{3}$/);
      expect(commune.inseeCode).toMatch(/^32\d{3}$/);
      expect(commune.inseeCode.slice(0, 2)).toBe(DEPARTMENT);
    }
    expect(GERS_COMMUNES.auch).toEqual({ name: 'Auch', inseeCode: '32013', postalCode: '32000' });
  });

  it('should have structures in each of the twelve towns, of varied kinds', () => {
    const towns = new Set(STRUCTURES.map((s) => s.commune));
    expect([...towns].sort()).toEqual(Object.keys(GERS_COMMUNES).sort());
    const kinds = new Set(STRUCTURES.map((s) => s.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(7);
    for (const kind of kinds) expect(Object.values(StructureKind)).toContain(kind);
  });

  it('should give structures unique keys and names, and valid contact details', () => {
    expect(structureKeys.size).toBe(STRUCTURES.length);
    expect(new Set(STRUCTURES.map((s) => s.name)).size).toBe(STRUCTURES.length);
    for (const s of STRUCTURES) {
      expect(validate.email(s.key, s.email)).toBe(s.email);
      expect(validate.frenchPhone(s.key, s.phone)).toMatch(/^\+33536\d{6}$/);
      if (s.website) expect(() => validate.httpUrl(s.key, s.website!)).not.toThrow();
      expect(s.address.length).toBeGreaterThan(5);
    }
  });

  it('should give every member a unique, valid, lower-case e-mail address on the reserved .test domain', () => {
    const emails = members.map((m) => m.email);
    expect(new Set(emails).size).toBe(emails.length);
    for (const email of emails) {
      expect(validate.email('email', email)).toBe(email);
      expect(email).toMatch(/\.test$/);
    }
  });

  it('should give only handles the API accepts for their network, never the same one twice', () => {
    const seen = new Set<string>();
    for (const channel of [...members, ...STRUCTURES].flatMap((x) => x.channels)) {
      expect(Object.values(SocialNetwork)).toContain(channel.network);
      expect(validate.handle('handle', channel.network, channel.handle)).toBe(channel.handle);
      const key = `${channel.network}:${channel.handle.toLowerCase()}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  it('should give members profiles the API accepts', () => {
    for (const m of members) {
      expect(structureKeys).toContain(m.structure);
      expect(m.jobTitle.length).toBeLessThanOrEqual(120);
      expect(m.displayName?.length ?? 0).toBeLessThanOrEqual(120);
      expect(m.weeklyHoursCommitment).toBeGreaterThanOrEqual(2);
      expect(m.weeklyHoursCommitment).toBeLessThanOrEqual(6);
      expect(validate.weeklyHours('hours', m.weeklyHoursCommitment)).toBe(m.weeklyHoursCommitment);
      if (m.phone) expect(validate.frenchPhone('phone', m.phone)).toMatch(/^\+33(536|639)\d{6}$/);
      expect(m.themes.length).toBeGreaterThan(0);
      expect(new Set(m.themes).size).toBe(m.themes.length);
      for (const theme of m.themes) expect(Object.values(Theme)).toContain(theme);
      for (const audience of m.audiences) expect(Object.values(Audience)).toContain(audience);
      expect(m.channels.length).toBeGreaterThan(0);
    }
    expect(members.filter((m) => m.phone).length).toBeGreaterThanOrEqual(3);
  });

  it('should have two coordinators (CAF du Gers and IMAJ) and about thirty promeneurs at every stage', () => {
    expect(COORDINATORS.map((c) => c.structure).sort()).toEqual(['caf', 'imaj']);
    expect(COORDINATORS.every((c) => c.outcome.status === 'ACTIVE')).toBe(true);
    expect(PROMENEURS.length).toBeGreaterThanOrEqual(28);
    expect(PROMENEURS.length).toBeLessThanOrEqual(34);
    const count = (status: string) => PROMENEURS.filter((p) => p.outcome.status === status).length;
    expect(count('CANDIDATE')).toBe(3);
    expect(count('SUSPENDED')).toBe(1);
    expect(count('ACTIVE')).toBe(PROMENEURS.length - 4);
    for (const p of PROMENEURS) {
      if (p.outcome.status === 'SUSPENDED') expect(p.outcome.reason.trim().length).toBeGreaterThan(10);
      expect(COORDINATORS.map((c) => c.key)).toContain(p.invitedBy);
    }
  });

  it('should give every youth structure at least one promeneur', () => {
    const staffed = new Set(PROMENEURS.map((p) => p.structure));
    for (const s of STRUCTURES.filter((s) => s.key !== 'caf')) expect(staffed).toContain(s.key);
  });
});

describe('the demo logins', () => {
  it('should list the admin, both coordinators and seeded promeneurs with passwords the API accepts', () => {
    const logins = demoLogins(adminCredentials({}));
    expect(logins[0]).toMatchObject({ role: 'ADMIN', email: DEFAULT_ADMIN_EMAIL, password: DEFAULT_ADMIN_PASSWORD });
    expect(logins.filter((l) => l.role === 'COORDINATOR')).toHaveLength(2);
    const promeneurs = logins.filter((l) => l.role === 'PROMENEUR');
    expect(promeneurs.length).toBeGreaterThanOrEqual(2);
    for (const login of logins.slice(1)) {
      expect(members.map((m) => m.email)).toContain(login.email);
      expect(login.password).toBe(DEMO_PASSWORD);
    }
    for (const password of [DEFAULT_ADMIN_PASSWORD, DEMO_PASSWORD]) expect(password.length).toBeGreaterThanOrEqual(10);
  });

  it('should follow PDN_ADMIN_EMAIL and never print a password that came from the environment', () => {
    const admin = adminCredentials({ PDN_ADMIN_EMAIL: 'root@example.test', PDN_ADMIN_PASSWORD: 'a-secret-password' });
    expect(admin).toEqual({ email: 'root@example.test', password: 'a-secret-password', passwordFromEnvironment: true });
    expect(JSON.stringify(demoLogins(admin))).not.toContain('a-secret-password');
  });
});
