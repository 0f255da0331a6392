import type { Role, MemberStatus } from '@pdn/identity';
import type { Executor } from './auth.repository.js';
import { members, statusChanges, type MemberRow } from '../db/members.tables.js';
import { defaultDisplayName, memberSearchColumns } from '../members/member-search.js';

export interface NewMember {
  email: string;
  passwordHash: string;
  firstName: string;
  lastName: string;
  role: Role;
  status: MemberStatus;
  department: string;
  structureId: string | null;
  structureName: string | null;
  now: Date;
}

/**
 * Inserts a member who signs in with a password (invitation accepted, first admin) with the first row
 * of their status history. Returns undefined when the e-mail address is already taken (the unique
 * index decides, so two concurrent creations cannot both succeed).
 */
export async function insertMember(
  tx: Executor,
  m: NewMember,
  history: { reason: string; selfAuthored: boolean },
): Promise<MemberRow | undefined> {
  const displayName = defaultDisplayName(m.firstName, m.structureName);
  const [member] = await tx
    .insert(members)
    .values({
      email: m.email.toLowerCase(),
      passwordHash: m.passwordHash,
      firstName: m.firstName,
      lastName: m.lastName,
      displayName,
      role: m.role,
      status: m.status,
      structureId: m.structureId,
      department: m.department,
      // A coordinator runs their own département to begin with; admins act everywhere anyway.
      coordinatedDepartments: m.role === 'COORDINATOR' ? [m.department] : [],
      ...memberSearchColumns({ firstName: m.firstName, lastName: m.lastName, displayName }),
      createdAt: m.now,
      updatedAt: m.now,
    })
    .onConflictDoNothing()
    .returning();
  if (!member) return undefined;
  await tx.insert(statusChanges).values({
    memberId: member.id,
    fromStatus: null,
    toStatus: m.status,
    reason: history.reason,
    byMemberId: history.selfAuthored ? member.id : null,
    at: m.now,
  });
  return member;
}
