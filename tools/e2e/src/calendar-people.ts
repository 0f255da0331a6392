import {
  AcceptCharterDocument,
  AcceptInvitationDocument,
  CreateStructureDocument,
  InviteMemberDocument,
  LoginDocument,
  SetMemberStatusDocument,
  type PdnClient,
  type Role,
} from '@pdn/client';
import { ADMIN, type RunningSystem } from './system.js';

/** A member created through the API, acting with their own token. */
export interface Person {
  id: string;
  email: string;
  password: string;
  displayName: string;
  client: PdnClient;
}

function ok<T>(result: { data?: T | null; errors?: readonly { message: string }[] }, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${result.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
  return result.data;
}

export async function signIn(system: RunningSystem, email: string, password: string): Promise<PdnClient> {
  const data = ok(await system.anonymous.request(LoginDocument, { email, password }), `login of ${email}`);
  return system.anonymous.withToken(data.login.accessToken);
}

export function signInAdmin(system: RunningSystem): Promise<PdnClient> {
  return signIn(system, ADMIN.email, ADMIN.password);
}

export async function createStructure(admin: PdnClient, name = "BIJ d'Auch"): Promise<string> {
  const data = ok(
    await admin.request(CreateStructureDocument, { input: { name, kind: 'YOUTH_INFORMATION', commune: 'Auch', department: '32', postalCode: '32000' } }),
    'createStructure',
  );
  return data.createStructure.id;
}

/** Invited by `by`, the person accepts and signs in: a CANDIDATE (promeneurs) until activated. */
export async function join(
  system: RunningSystem,
  by: PdnClient,
  person: { structureId: string | null; email: string; firstName: string; lastName: string; role?: Role; department?: string },
): Promise<Person> {
  const invited = ok(
    await by.request(InviteMemberDocument, {
      input: {
        email: person.email,
        firstName: person.firstName,
        lastName: person.lastName,
        role: person.role ?? 'PROMENEUR',
        structureId: person.structureId,
        department: person.department ?? '32',
      },
    }),
    `inviteMember ${person.email}`,
  );
  const password = `pdn-${person.firstName.toLowerCase()}-2026`;
  const accepted = ok(await system.anonymous.request(AcceptInvitationDocument, { token: invited.inviteMember.token, password }), `acceptInvitation ${person.email}`);
  const member = accepted.acceptInvitation.member;
  return { id: member.id, email: person.email, password, displayName: member.displayName, client: system.anonymous.withToken(accepted.acceptInvitation.accessToken) };
}

/**
 * Labelling: the person accepts the charter, a coordinator makes them ACTIVE, and they sign in again
 * (the access token carries the status the subgraphs read).
 */
export async function activate(system: RunningSystem, coordinator: PdnClient, person: Person): Promise<Person> {
  ok(await person.client.request(AcceptCharterDocument, { version: '2024-1' }), 'acceptCharter');
  ok(await coordinator.request(SetMemberStatusDocument, { id: person.id, status: 'ACTIVE', reason: 'labellisé en comité' }), 'setMemberStatus');
  return { ...person, client: await signIn(system, person.email, person.password) };
}

/** An instant `days` from now, on the hour, in ISO form. */
export function daysFromNow(days: number, hour = 9): string {
  const date = new Date(Date.now() + days * 86_400_000);
  date.setUTCHours(hour, 0, 0, 0);
  return date.toISOString();
}
