import type { PersonalDataCoverage } from '@pdn/subgraph';
import type { MembersSchema } from '../db/members.tables.js';

/**
 * What members' part of `myPersonalData` (the document's `member`) holds, table by table; `''` is the
 * part itself (the member's own row, spread). The spec checks this map against the tables and the
 * export against this map: a new table, or a column that may hold a member id, fails it until it is
 * classified here.
 */
export const membersPersonalDataCoverage: PersonalDataCoverage<MembersSchema> = {
  structures: { notExported: "organisations, not people: the member's own structure is exported as member.structure" },
  members: {
    subjects: { id: '' },
    omit: {
      passwordHash: 'a secret',
      searchText: 'names and job title folded for search: a copy of what is exported',
      sortKey: 'names folded for sorting: a copy of what is exported',
    },
  },
  statusChanges: {
    subjects: {
      memberId: 'statusHistory',
      byMemberId: {
        excluded: "the status changes a coordinator made are the other members' data (reasons included): each gets them in their own export",
      },
    },
  },
  sessions: { subjects: { memberId: 'sessions' } },
  refreshTokens: {
    notExported: "rotation records of a session's secret, found by its hash; each session's last refresh is exported as sessions[].lastRefreshedAt",
  },
  invitations: {
    // The member's own invitation is found by the account it created or by their e-mail address.
    subjects: { invitedBy: 'invitationsSent', memberId: 'invitationsReceived', email: 'invitationsReceived' },
    omit: { tokenHash: 'the hash of the invitation link: a secret' },
  },
  emailOutbox: {
    subjects: { recipient: 'emailsReceived' },
    omit: { body: 'may carry a link that is a secret (an invitation): the subject and dates say what was sent' },
  },
  loginThrottle: { subjects: { email: 'signInThrottle' } },
  apiKeys: {
    subjects: { createdBy: 'apiKeysCreated', revokedBy: 'apiKeysRevoked' },
    omit: { secretHash: 'the hash of the key: a secret' },
  },
  auditEntries: {
    subjects: {
      subjectId: 'privateDataReads',
      actorId: {
        excluded: "what a coordinator read of other members' private data is theirs to know: each member gets the reads of their data in their own export",
      },
    },
  },
  outbox: {
    notExported:
      'domain events on their way to the other subgraphs (an erasure, a suspension): transport, not a record; what they announce is exported where it is held',
    otherIds: { id: "the event's own id" },
  },
  domainEventCursors: { notExported: "this subgraph's place in the other subgraphs' event logs: nothing about a person" },
  processedDomainEvents: {
    notExported: "the ids of the domain events this subgraph has applied (calendar's private reads: exported as privateDataReads)",
    otherIds: { eventId: 'a domain event' },
  },
};
