// What the load generator process sends and checks for the product scenarios S1–S5 (it imports this
// module by URL: functions cannot cross the IPC channel, their JSON arguments do). Queries go round
// the given (token, body) variants, one per request, so that several members' tokens and inputs are
// spread over the connections; S5 is a sequence per connection with a context: register to an event,
// cancel that registration, publish a post, acknowledge an alert of the member's département.
import { acknowledgeAlert, cancelRegistration, publishPost, register } from './operations.js';

/** One request of a query scenario: who asks (access token) and the GraphQL body. */
export interface QueryVariant {
  token: string;
  body: string;
}

/** A member of the S5 mix: their token, the open events they may register to, and the active alerts of their département. */
export interface MutationMember {
  token: string;
  eventIds: string[];
  alertIds: string[];
}

export type ProductRequestsArgs = { kind: 'query'; variants: QueryVariant[] } | { kind: 'mutations'; members: MutationMember[]; tag: string };

/** The part of an autocannon request the scenarios use. */
export interface CannonRequest {
  method: 'POST';
  setupRequest(request: CannonRequestData, context: Record<string, unknown>): CannonRequestData | null;
  onResponse?(status: number, body: string, context: Record<string, unknown>): void;
}

interface CannonRequestData {
  headers?: Record<string, string>;
  body?: string | Buffer;
  [key: string]: unknown;
}

const withBody = (request: CannonRequestData, token: string, body: string): CannonRequestData => ({
  ...request,
  method: 'POST',
  headers: { ...request.headers, 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
  body,
});

function dataOf(body: string): Record<string, unknown> | undefined {
  try {
    const answer = JSON.parse(body) as { data?: Record<string, unknown> | null; errors?: unknown[] };
    return answer.errors?.length || !answer.data ? undefined : answer.data;
  } catch {
    return undefined;
  }
}

/** The autocannon `requests` of a scenario. */
export function productRequests(args: ProductRequestsArgs): CannonRequest[] {
  if (args.kind === 'query') {
    const { variants } = args;
    if (variants.length === 0) throw new Error('no request variant');
    let next = 0;
    return [
      {
        method: 'POST',
        setupRequest: (request) => {
          const variant = variants[next++ % variants.length]!;
          return withBody(request, variant.token, variant.body);
        },
      },
    ];
  }
  // S5: a (member, event) pair is held by one connection from its registration to its cancellation, so
  // that no two connections register the same member to the same event at once.
  const pairs = args.members.flatMap((member, m) => member.eventIds.map((eventId) => ({ m, eventId })));
  const free = [...pairs];
  let published = 0;
  let acknowledged = 0;
  const release = (context: Record<string, unknown>) => {
    const pair = context['pair'] as (typeof pairs)[number] | undefined;
    if (pair) free.push(pair);
    context['pair'] = undefined;
  };
  return [
    {
      method: 'POST',
      setupRequest: (request, context) => {
        const pair = free.shift() ?? pairs[Math.floor(Math.random() * pairs.length)]!;
        context['pair'] = pair;
        context['member'] = pair.m;
        return withBody(request, args.members[pair.m]!.token, JSON.stringify(register(pair.eventId)));
      },
      onResponse: (_status, body, context) => {
        const registered = dataOf(body)?.['register'] as { id?: string } | undefined;
        context['registrationId'] = registered?.id;
      },
    },
    {
      method: 'POST',
      setupRequest: (request, context) => {
        const member = args.members[context['member'] as number]!;
        const id = context['registrationId'] as string | undefined;
        // Without a registration (the register failed, which is counted), cancel an unknown one: a NOT_FOUND answer, counted too.
        return withBody(request, member.token, JSON.stringify(cancelRegistration(id ?? '00000000-0000-4000-8000-000000000000')));
      },
      onResponse: (_status, _body, context) => release(context),
    },
    {
      method: 'POST',
      setupRequest: (request, context) => {
        const member = args.members[context['member'] as number]!;
        const n = ++published;
        return withBody(
          request,
          member.token,
          JSON.stringify(publishPost(`Bench ${args.tag} post ${n}`, `Published by the S5 mutation mix (${args.tag}, request ${n}).`)),
        );
      },
    },
    {
      method: 'POST',
      setupRequest: (request, context) => {
        const member = args.members[context['member'] as number]!;
        const alertId = member.alertIds[acknowledged++ % member.alertIds.length]!;
        return withBody(request, member.token, JSON.stringify(acknowledgeAlert(alertId)));
      },
    },
  ];
}

/** What a scenario's answers must look like, besides having no errors. */
export type ProductCheckArgs =
  | { scenario: 'S1'; first: number }
  | { scenario: 'S2'; posts: number }
  | { scenario: 'S3'; minRegistrations: number }
  | { scenario: 'S4'; first: number }
  | { scenario: 'S5' };

type Edges<T> = { edges?: { node?: T | null }[] } | null | undefined;

function nodes<T>(connection: Edges<T>): (T | null | undefined)[] | undefined {
  return connection?.edges?.map((edge) => edge.node);
}

/** A `(body) => reason | undefined` check for the load generator, per scenario. */
export function productCheck(args: ProductCheckArgs): (body: string) => string | undefined {
  return (body) => {
    let answer: { data?: Record<string, unknown> | null; errors?: { message?: string; extensions?: { code?: string } }[] };
    try {
      answer = JSON.parse(body) as typeof answer;
    } catch {
      return `not JSON: ${body.slice(0, 200)}`;
    }
    if (answer.errors?.length) {
      const [first] = answer.errors;
      return `${answer.errors.length} error(s), e.g. ${first?.extensions?.code ?? '?'}: ${first?.message ?? ''}`.slice(0, 300);
    }
    const data = answer.data;
    if (!data) return 'no data';
    switch (args.scenario) {
      case 'S1': {
        const connection = data['members'] as (Edges<{ permanences?: unknown[]; registrations?: unknown[]; posts?: { edges?: unknown[] } }> & { totalCount?: number }) | null;
        const members = nodes(connection);
        const expected = Math.min(args.first, connection?.totalCount ?? 0);
        if (!members || members.length !== expected || expected === 0) return `${members?.length ?? 'no'} members for a page of ${expected}`;
        if (!members.every((m) => m && Array.isArray(m.permanences) && Array.isArray(m.registrations) && (m.posts?.edges?.length ?? 9) <= 3)) {
          return 'a member without permanences or registrations, or with more than 3 posts';
        }
        return undefined;
      }
      case 'S2': {
        const posts = nodes(data['feed'] as Edges<{ author?: unknown; comments?: { edges?: unknown[] } }>);
        if (posts?.length !== args.posts) return `${posts?.length ?? 'no'} posts instead of ${args.posts}`;
        if (!posts.every((p) => p && p.author && Array.isArray(p.comments?.edges))) return 'a post without author or comments';
        return undefined;
      }
      case 'S3': {
        const event = data['event'] as { registrations?: { member?: { displayName?: string } | null }[] } | null;
        const registrations = event?.registrations;
        if (!registrations || registrations.length < args.minRegistrations) return `${registrations?.length ?? 'no'} registrations, expected ≥ ${args.minRegistrations}`;
        if (!registrations.every((r) => r.member?.displayName)) return 'a registration without its member';
        return undefined;
      }
      case 'S4': {
        const connection = data['members'] as (Edges<{ presence?: { minutesLogged?: number } | null }> & { totalCount?: number }) | null;
        const members = nodes(connection);
        const expected = Math.min(args.first, connection?.totalCount ?? 0);
        if (!members || members.length !== expected || expected === 0) return `${members?.length ?? 'no'} members for a page of ${expected}`;
        if (!members.every((m) => typeof m?.presence?.minutesLogged === 'number')) return 'a member without presence';
        return undefined;
      }
      case 'S5':
        return Object.values(data).every((value) => value !== null && value !== undefined) ? undefined : 'a null mutation result';
    }
  };
}
