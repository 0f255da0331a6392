import { Inject, Injectable, Logger } from '@nestjs/common';
import { identitySigningKey } from '@pdn/config';
import { DomainError, serviceUnavailable } from '@pdn/errors';
import { REQUEST_ID_HEADER, signIdentity, type MemberCaller } from '@pdn/identity';
import { MEMBERS_SETTINGS } from '../common/tokens.js';
import type { MembersSettings } from '../members.config.js';

/** Each other subgraph's part of the export: a field it adds to Member, readable by the member only. */
const SOURCES = [
  { service: 'calendar', field: 'calendarPersonalData', url: (s: MembersSettings) => s.CALENDAR_URL },
  { service: 'feed', field: 'feedPersonalData', url: (s: MembersSettings) => s.FEED_URL },
] as const;

export type OtherService = (typeof SOURCES)[number]['service'];
export type OtherParts = Record<OtherService, Record<string, unknown>>;

interface EntitiesAnswer {
  data?: { _entities?: (Record<string, unknown> | null)[] } | null;
  errors?: { message: string }[];
}

/**
 * Fetches the other subgraphs' parts of a member's export the way the gateway would: federation's
 * `_entities` for the caller's own Member, sent with the caller's identity signed with the shared
 * key. A root field cannot `@requires` fields of other subgraphs, hence this hop. All or nothing: an
 * export missing a part would mislead, so a subgraph that does not answer fails the whole request
 * with SERVICE_UNAVAILABLE naming it.
 */
@Injectable()
export class SubgraphParts {
  private readonly logger = new Logger('PersonalData');
  private readonly key: string;

  constructor(@Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings) {
    this.key = identitySigningKey(settings);
  }

  async fetchAll(caller: MemberCaller, requestId: string | undefined): Promise<OtherParts> {
    const parts = await Promise.all(SOURCES.map(async (source) => [source.service, await this.fetchOne(source, caller, requestId)] as const));
    return Object.fromEntries(parts) as OtherParts;
  }

  private async fetchOne(source: (typeof SOURCES)[number], caller: MemberCaller, requestId: string | undefined): Promise<Record<string, unknown>> {
    const { service, field } = source;
    const timeoutMs = this.settings.PERSONAL_DATA_TIMEOUT_MS;
    const unavailable = (reason: string, error?: unknown) => {
      this.logger.warn(`${service} gave no part of a personal-data export: ${reason}${error ? ` (${(error as Error).message})` : ''}`);
      return serviceUnavailable(`The ${service} service ${reason}: your data cannot be exported in full now. Try again in a few minutes.`, { service });
    };
    let answer: EntitiesAnswer;
    try {
      const response = await fetch(source.url(this.settings), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signIdentity(caller, this.key),
          ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
        },
        body: JSON.stringify({
          query: `query PersonalDataPart($representations: [_Any!]!) { _entities(representations: $representations) { ... on Member { ${field} } } }`,
          variables: { representations: [{ __typename: 'Member', id: caller.memberId }] },
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw unavailable('is unavailable', new Error(`HTTP ${response.status}`));
      answer = (await response.json()) as EntitiesAnswer;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const timedOut = (error as Error).name === 'TimeoutError';
      throw unavailable(timedOut ? `did not answer within ${timeoutMs} ms` : 'is unavailable', error);
    }
    const part = answer.data?._entities?.[0]?.[field];
    if (answer.errors?.length || !part || typeof part !== 'object') {
      throw unavailable('could not give its part', new Error(answer.errors?.map((e) => e.message).join('; ') ?? `no ${field}`));
    }
    return part as Record<string, unknown>;
  }
}
