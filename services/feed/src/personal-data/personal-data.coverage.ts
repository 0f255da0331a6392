import type { PersonalDataCoverage } from '@pdn/subgraph';
import type { FeedSchema } from '../db/feed.tables.js';

/**
 * What feed's part of `myPersonalData` holds, table by table (paths are in the part). The spec
 * checks this map against the tables and the export against this map: a new table, or a column that
 * may hold a member id, fails it until it is classified here.
 */
export const feedPersonalDataCoverage: PersonalDataCoverage<FeedSchema> = {
  posts: {
    subjects: { authorId: 'posts' },
    otherIds: { structureId: "the author's structure", republishedFromId: 'the original of a republication (a post)' },
    omit: { searchText: 'title and body folded for search: a copy of what is exported' },
  },
  comments: { subjects: { authorId: 'comments' } },
  reactions: { subjects: { memberId: 'reactions' } },
  postReports: { subjects: { memberId: 'reportsMade' } },
  moderationActions: {
    subjects: {
      byMemberId: {
        excluded:
          "a moderator's actions concern other members' posts: each author gets the moderation of their posts in their own export (posts[].moderation)",
      },
    },
  },
  alerts: { subjects: { raisedBy: 'alertsRaised', resolvedBy: 'alertsResolved' } },
  alertAcknowledgements: { subjects: { memberId: 'acknowledgements' } },
  domainEventCursors: { notExported: "this subgraph's place in the other subgraphs' event logs: nothing about a person" },
  processedDomainEvents: {
    notExported: 'the ids of the domain events this subgraph has applied (their effects are exported where they are held)',
    otherIds: { eventId: 'a domain event' },
  },
};
