/**
 * The product pages S1–S4 of issue 7 as GraphQL operations, in one place: the load scenarios send
 * them through the gateway, and the e2e statement-count test (tools/e2e/src/statement-counts.e2e.spec.ts)
 * sends the same documents at two page sizes to prove that the SQL a page costs does not grow with
 * its size. Field names follow gateway/supergraph.graphql; `npm run typecheck` does not check them,
 * the e2e test does (it fails on any GraphQL error).
 */

/** A GraphQL request body: what autocannon posts and what a test sends with fetch. */
export interface OperationRequest {
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
}

/**
 * S1, the directory page: the promeneurs of a département, each with their structure (members), their
 * permanences and registrations (calendar) and their 3 latest posts (feed).
 */
export const DIRECTORY_PAGE = /* GraphQL */ `
  query DirectoryPage($department: String!, $first: Int!) {
    members(filter: { department: $department }, first: $first) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          displayName
          jobTitle
          themes
          structure { id name kind commune }
          permanences { id weekday startTime endTime network }
          registrations { id status event { id title startsAt } }
          posts(first: 3) { totalCount edges { node { id title kind publishedAt } } }
        }
      }
    }
  }
`;

export function directoryPage(department: string, first = 20): OperationRequest {
  return { operationName: 'DirectoryPage', query: DIRECTORY_PAGE, variables: { department, first } };
}

/**
 * S2, the feed page: posts with their author and structure (members), the original of a
 * republication, and the first comments with their authors.
 */
export const FEED_PAGE = /* GraphQL */ `
  query FeedPage($first: Int!, $department: String) {
    feed(filter: { department: $department }, first: $first) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          kind
          title
          body
          themes
          publishedAt
          republishCount
          reactions { reaction count }
          author { id displayName structure { id name } }
          structure { id name commune }
          republishedFrom { id title author { id displayName } structure { id name } }
          comments(first: 3) { totalCount edges { node { id body createdAt author { id displayName } } } }
        }
      }
    }
  }
`;

export function feedPage(first = 20, department?: string): OperationRequest {
  return { operationName: 'FeedPage', query: FEED_PAGE, variables: { first, ...(department ? { department } : {}) } };
}

/**
 * S3, the event page as its coordinator sees it: the event, its organizer and every registration with
 * the member (and their structure) behind it.
 */
export const EVENT_PAGE = /* GraphQL */ `
  query EventPage($id: ID!) {
    event(id: $id) {
      id
      kind
      title
      description
      startsAt
      endsAt
      location
      department
      capacity
      joinMode
      status
      confirmedCount
      waitlistCount
      seatsLeft
      organizer { id displayName }
      registrations {
        id
        status
        waitlistPosition
        attended
        createdAt
        member { id displayName email structure { id name } }
      }
    }
  }
`;

export function eventPage(eventId: string): OperationRequest {
  return { operationName: 'EventPage', query: EVENT_PAGE, variables: { id: eventId } };
}

/**
 * S4, the coordinator's report: members of a département with their presence over a period, which the
 * calendar computes from the weekly commitment that members owns (`@requires`).
 */
export const COORDINATOR_REPORT = /* GraphQL */ `
  query CoordinatorReport($department: String!, $first: Int!, $from: Date!, $to: Date!) {
    members(filter: { department: $department }, first: $first) {
      totalCount
      edges {
        node {
          id
          displayName
          weeklyHoursCommitment
          structure { id name }
          presence(from: $from, to: $to) { minutesLogged minutesCommitted complianceRatio contacts }
        }
      }
    }
  }
`;

export function coordinatorReport(department: string, period: { from: string; to: string }, first = 100): OperationRequest {
  return { operationName: 'CoordinatorReport', query: COORDINATOR_REPORT, variables: { department, first, ...period } };
}

/**
 * S5, the mutation mix a member's day is made of: registering to an event then cancelling that
 * registration, publishing a post, acknowledging an alert of their département. Each keeps the data
 * valid when repeated (cancel frees the seat again; acknowledging is idempotent).
 */
export const REGISTER = /* GraphQL */ `
  mutation Register($eventId: ID!) {
    register(eventId: $eventId) { id status waitlistPosition event { id confirmedCount seatsLeft } }
  }
`;

export const CANCEL_REGISTRATION = /* GraphQL */ `
  mutation CancelRegistration($id: ID!) {
    cancelRegistration(id: $id) { id status }
  }
`;

export const PUBLISH_POST = /* GraphQL */ `
  mutation PublishPost($input: PublishPostInput!) {
    publishPost(input: $input) { id title publishedAt author { id displayName } structure { id name } }
  }
`;

export const ACKNOWLEDGE_ALERT = /* GraphQL */ `
  mutation AcknowledgeAlert($id: ID!) {
    acknowledgeAlert(id: $id) { id acknowledgementCount acknowledgedByMe }
  }
`;

export function register(eventId: string): OperationRequest {
  return { operationName: 'Register', query: REGISTER, variables: { eventId } };
}

export function cancelRegistration(id: string): OperationRequest {
  return { operationName: 'CancelRegistration', query: CANCEL_REGISTRATION, variables: { id } };
}

export function publishPost(title: string, body: string): OperationRequest {
  return { operationName: 'PublishPost', query: PUBLISH_POST, variables: { input: { kind: 'NEWS', title, body, audience: 'NETWORK' } } };
}

export function acknowledgeAlert(id: string): OperationRequest {
  return { operationName: 'AcknowledgeAlert', query: ACKNOWLEDGE_ALERT, variables: { id } };
}
