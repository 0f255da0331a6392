import { FORMER_MEMBER_ID, Role } from '@pdn/domain';
import type { MemberRow } from '../db/members.tables.js';
import { ERASED_PROFILE } from '../erasure/erasure.repository.js';

/** The former member has no e-mail at all (a real row always has one): `Member.email` answers null. */
export type FormerMember = Omit<MemberRow, 'email'> & { email: null };

/** An instant that stands for "no date": the former member was never created nor erased. */
const NO_DATE = new Date(0);

/**
 * The member that posts, comments and alerts of erased members point to (feed answers
 * `FORMER_MEMBER_ID` for them): the face of an erased account, "Ancien membre", and nothing about
 * anyone. Never stored: references to it are answered without reading the database. A fresh object
 * each time (federation adds to what a reference resolves to).
 *  - status LEFT, role PROMENEUR, every personal field null or empty;
 *  - `department` is '' (the field is non-null; no INSEE code is empty): no coordinator coordinates
 *    it, so its NETWORK fields (null anyway) follow the member layer and its PRIVATE ones only admins;
 *  - `createdAt` is the Unix epoch, which stands for "no date".
 */
export function formerMember(): FormerMember {
  return {
    id: FORMER_MEMBER_ID,
    email: null,
    ...ERASED_PROFILE,
    role: Role.PROMENEUR,
    department: '',
    searchText: '',
    sortKey: '',
    erasedAt: NO_DATE,
    createdAt: NO_DATE,
    updatedAt: NO_DATE,
  };
}

export function isFormerMember(id: string): boolean {
  return id === FORMER_MEMBER_ID;
}
