import { normalizeForSearch } from '@pdn/database';
import type { Caller } from '@pdn/identity';
import { members, structures, type MemberRow, type StructureRow } from '../src/db/members.tables.js';
import type { MembersDatabase } from '../src/common/tokens.js';
import { defaultDisplayName, memberSearchColumns } from '../src/members/member-search.js';

/** Rows written straight into the test database, to set up a directory without going through the API. */
export async function insertStructure(database: MembersDatabase, values: Partial<typeof structures.$inferInsert> & { name: string; commune: string }): Promise<StructureRow> {
  const [row] = await database.db
    .insert(structures)
    .values({ kind: 'YOUTH_INFORMATION', department: '32', searchText: normalizeForSearch(`${values.name} ${values.commune}`), ...values })
    .returning();
  return row!;
}

export async function insertMember(
  database: MembersDatabase,
  values: Partial<typeof members.$inferInsert> & { firstName: string; lastName: string },
  structure?: StructureRow,
): Promise<MemberRow> {
  const displayName = values.displayName ?? defaultDisplayName(values.firstName, structure?.name);
  const [row] = await database.db
    .insert(members)
    .values({
      email: `${normalizeForSearch(values.firstName).replace(/ /g, '')}.${normalizeForSearch(values.lastName).replace(/ /g, '')}@example.org`,
      role: 'PROMENEUR',
      status: 'ACTIVE',
      department: structure?.department ?? '32',
      structureId: structure?.id ?? null,
      displayName,
      ...memberSearchColumns({ firstName: values.firstName, lastName: values.lastName, displayName, jobTitle: values.jobTitle }),
      ...values,
    })
    .returning();
  return row!;
}

export const anonymous: Caller = { kind: 'anonymous' };

export function callerFor(member: MemberRow): Caller {
  return {
    kind: 'member',
    memberId: member.id,
    role: member.role as 'PROMENEUR' | 'COORDINATOR' | 'ADMIN',
    status: member.status as 'ACTIVE',
    departments: [...new Set([member.department, ...member.coordinatedDepartments])],
  };
}
