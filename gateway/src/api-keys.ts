import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ANONYMOUS, REQUEST_ID_HEADER, signIdentity } from '@pdn/identity';
import type { ApiKeySettings } from './gateway.config.js';

const ApiKeyVerification = z.discriminatedUnion('valid', [
  z.object({
    valid: z.literal(true),
    key: z.object({
      id: z.string().min(1),
      scopes: z.array(z.enum(['DIRECTORY_READ', 'CALENDAR_READ', 'FEED_READ', 'ALERTS_READ'])),
      departments: z.array(z.string()),
      persistedOnly: z.boolean(),
      rateLimitPerMinute: z.number().int().positive().nullable(),
    }),
  }),
  z.object({ valid: z.literal(false), reason: z.enum(['unknown', 'revoked', 'expired']) }),
]);

/** The members service's answer about a secret (services/members, POST /internal/api-keys/verify). */
export type ApiKeyVerification = z.infer<typeof ApiKeyVerification>;
export type VerifiedApiKey = Extract<ApiKeyVerification, { valid: true }>['key'];

/** The members service could not say whether the key is valid: not the partner's fault. */
export class ApiKeyVerifierUnavailableError extends Error {
  constructor(
    readonly reason: 'timeout' | 'unreachable' | 'bad-answer',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiKeyVerifierUnavailableError';
  }
}

export interface ApiKeyVerifier {
  verify(secret: string, requestId?: string): Promise<ApiKeyVerification>;
}

/**
 * Asks the members service about a partner's secret on every request: no cache, so a revoked or
 * expired key is refused by every gateway replica from the next request on. The request carries the
 * gateway's signed identity (anonymous: the partner is not known yet), which is what lets it through.
 * Identical verifications already in flight in this process share one answer.
 */
export function createApiKeyVerifier(settings: Pick<ApiKeySettings, 'verifyUrl' | 'timeoutMs'>, identitySigningKey: string): ApiKeyVerifier {
  const inFlight = new Map<string, Promise<ApiKeyVerification>>();

  async function ask(secret: string, requestId: string | undefined): Promise<ApiKeyVerification> {
    let status: number;
    let body: unknown;
    try {
      const response = await fetch(settings.verifyUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signIdentity(ANONYMOUS, identitySigningKey),
          ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
        },
        body: JSON.stringify({ secret }),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      status = response.status;
      body = status === 200 ? await response.json() : await response.arrayBuffer();
    } catch (error) {
      // Duck-typed: the DOMException may come from another realm (undici's), where instanceof fails.
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      throw new ApiKeyVerifierUnavailableError(
        timedOut ? 'timeout' : 'unreachable',
        timedOut ? `The members service did not verify the API key within ${settings.timeoutMs} ms.` : 'The members service is unreachable.',
        { cause: error },
      );
    }
    if (status !== 200) {
      throw new ApiKeyVerifierUnavailableError(
        'bad-answer',
        `The members service answered HTTP ${status} to an API key verification` +
          (status === 401 ? ' (is IDENTITY_SIGNING_KEY the same in the gateway and members?)' : ''),
      );
    }
    const parsed = ApiKeyVerification.safeParse(body);
    if (!parsed.success) throw new ApiKeyVerifierUnavailableError('bad-answer', 'The members service answered an API key verification with something unexpected.');
    return parsed.data;
  }

  return {
    verify(secret, requestId) {
      // The map holds a digest, never the secret itself.
      const id = createHash('sha256').update(secret).digest('base64url');
      let pending = inFlight.get(id);
      if (!pending) {
        pending = ask(secret, requestId).finally(() => inFlight.delete(id));
        inFlight.set(id, pending);
      }
      return pending;
    },
  };
}

/**
 * A graphql-ws connection outlives the request that authenticated it: its key is checked again every
 * `intervalMs`, and `onRefused` called once the members service refuses it (revoked, expired). A
 * members service that does not answer cuts nobody.
 */
export function watchApiKey(check: () => Promise<unknown>, onRefused: (error: unknown) => void, intervalMs: number): () => void {
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  const timer = setInterval(() => {
    check().catch((error: unknown) => {
      const status = ((error as { extensions?: { http?: { status?: unknown } } }).extensions?.http?.status);
      if (stopped || status !== 401) return;
      stop();
      onRefused(error);
    });
  }, intervalMs);
  timer.unref();
  return stop;
}
