import { LoginDocument, type MemberStatus, type PdnClient, type PdnResult } from '@pdn/client';

/** One API call of the seed failed; says which and carries the GraphQL errors' codes. */
export class SeedStepError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly step: string,
    readonly errors: readonly { message: string; extensions?: Record<string, unknown> }[],
    readonly status: number,
    hint?: string,
  ) {
    const details = errors.length
      ? errors.map((e) => `${e.message}${e.extensions?.code ? ` [${String(e.extensions.code)}]` : ''}`).join('; ')
      : `HTTP ${status} without data`;
    super(`seed: ${step} failed: ${details}${hint ? `\n  ${hint}` : ''}`);
    this.name = 'SeedStepError';
    this.code = errors[0]?.extensions?.code as string | undefined;
  }
}

/** A GraphQL result's data, or a SeedStepError naming the step. */
export async function expectData<T>(step: string, pending: Promise<PdnResult<T>>, hint?: string): Promise<T> {
  const result = await pending;
  if (result.errors?.length || !result.data) throw new SeedStepError(step, result.errors ?? [], result.status, hint);
  return result.data;
}

export interface SignedIn {
  client: PdnClient;
  id: string;
  status: MemberStatus;
  charterAccepted: boolean;
}

export async function signIn(client: PdnClient, email: string, password: string, who: string, hint?: string): Promise<SignedIn> {
  const { login } = await expectData(`signing in as ${who} (${email})`, client.request(LoginDocument, { email, password }), hint);
  return {
    client: client.withToken(login.accessToken),
    id: login.member.id,
    status: login.member.status,
    charterAccepted: login.member.charterAcceptedAt != null,
  };
}

/**
 * `work` over every item, at most `limit` at a time, results in the items' order. The first failure
 * stops handing out new items and is rethrown once the calls in flight have settled.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}
