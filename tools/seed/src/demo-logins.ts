import { COORDINATORS, PROMENEURS, type SeedMember } from './gers-network.js';

/**
 * The demo accounts, in one place: the seed creates them, `npm start` prints them (through
 * `node tools/seed/dist/main.js --print-logins`), the README lists them. Development only: the members
 * subgraph refuses nothing about these passwords, but production never runs the seed.
 */

/** The first ADMIN the members subgraph creates from PDN_ADMIN_EMAIL / PDN_ADMIN_PASSWORD (dev defaults). */
export const DEFAULT_ADMIN_EMAIL = 'admin@pdn32.test';
export const DEFAULT_ADMIN_PASSWORD = 'admin-pdn32-demo';

/** Every member the seed invites accepts their invitation with this password. */
export const DEMO_PASSWORD = 'promeneur-pdn32-demo';

export interface AdminCredentials {
  email: string;
  password: string;
  /** True when the password came from PDN_ADMIN_PASSWORD rather than the demo default (then it is never printed). */
  passwordFromEnvironment: boolean;
}

/** The admin the seed signs in as: the environment's PDN_ADMIN_* when set, else the demo defaults. */
export function adminCredentials(env: Record<string, string | undefined> = process.env): AdminCredentials {
  const email = env.PDN_ADMIN_EMAIL?.trim() || DEFAULT_ADMIN_EMAIL;
  const password = env.PDN_ADMIN_PASSWORD || DEFAULT_ADMIN_PASSWORD;
  return { email, password, passwordFromEnvironment: Boolean(env.PDN_ADMIN_PASSWORD) };
}

export interface DemoLogin {
  role: 'ADMIN' | 'COORDINATOR' | 'PROMENEUR';
  /** Who this is, in a few words, for the console and the README. */
  who: string;
  email: string;
  password: string;
}

function memberLogin(role: DemoLogin['role'], member: SeedMember, note: string): DemoLogin {
  return { role, who: `${member.firstName} ${member.lastName}, ${note}`, email: member.email, password: DEMO_PASSWORD };
}

function promeneur(email: string): SeedMember {
  const found = PROMENEURS.find((p) => p.email === email);
  if (!found) throw new Error(`demo-logins: no promeneur ${email} in gers-network`);
  return found;
}

/** Admin, both coordinators, and three promeneurs at different stages of the labelling workflow. */
export function demoLogins(admin: AdminCredentials = adminCredentials()): DemoLogin[] {
  const [caf, imaj] = COORDINATORS;
  return [
    {
      role: 'ADMIN',
      who: 'first administrator (PDN_ADMIN_EMAIL / PDN_ADMIN_PASSWORD)',
      email: admin.email,
      password: admin.passwordFromEnvironment ? '(as set in PDN_ADMIN_PASSWORD)' : admin.password,
    },
    memberLogin('COORDINATOR', caf!, 'CAF du Gers'),
    memberLogin('COORDINATOR', imaj!, 'association IMAJ'),
    memberLogin('PROMENEUR', promeneur('isabelle.lacoste@auch.pdn32.test'), "BIJ d'Auch, ACTIVE"),
    memberLogin('PROMENEUR', promeneur('sofiane.haddad@tenareze.pdn32.test'), 'prévention spécialisée, Condom, ACTIVE'),
    memberLogin('PROMENEUR', promeneur('bastien.idrac@lectoure.pdn32.test'), 'PIJ de Lectoure, CANDIDATE (charter accepted)'),
  ];
}
