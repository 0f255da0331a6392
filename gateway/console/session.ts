// The console's sign-in: `login` through the gateway, the access token kept in memory only (nothing in
// localStorage or cookies: a reload signs out), refreshed a minute before it expires, `logout` on
// sign-out. Environment-neutral (fetch and timers only).
import { ConsoleLoginDocument, ConsoleLogoutDocument, ConsoleRefreshSessionDocument, type ConsoleSessionFieldsFragment } from '@pdn/client';
import { print } from 'graphql';
import { postGraphQL } from './graphql-http.js';

export type SignedInMember = ConsoleSessionFieldsFragment['member'];

type AuthPayload = ConsoleSessionFieldsFragment;

// The operations of libs/client/src/operations/console-session.graphql, printed as PdnClient prints
// its documents: exactly the text of the safelist (libs/client/persisted-operations.json), which a
// gateway with SAFELIST_ONLY=true accepts from anyone, signed in or not.
export const CONSOLE_LOGIN = print(ConsoleLoginDocument);
export const CONSOLE_REFRESH_SESSION = print(ConsoleRefreshSessionDocument);
export const CONSOLE_LOGOUT = print(ConsoleLogoutDocument);

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

export type SessionEvent = { kind: 'signed-in' | 'refreshed' | 'signed-out' } | { kind: 'expired'; message: string };

export class ConsoleSession {
  private current: AuthPayload | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<(event: SessionEvent) => void>();

  constructor(private readonly graphqlUrl: string) {}

  get member(): SignedInMember | undefined {
    return this.current?.member;
  }

  /** Read at each request, so a refreshed token is used without re-creating the fetcher. */
  accessToken(): string | undefined {
    return this.current?.accessToken;
  }

  onChange(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Rejects with the gateway's message (wrong credentials, too many attempts…). */
  async signIn(email: string, password: string): Promise<SignedInMember> {
    const payload = await this.authenticate(CONSOLE_LOGIN, { email, password }, 'login');
    this.start(payload, 'signed-in');
    return payload.member;
  }

  async signOut(): Promise<void> {
    const ending = this.current;
    this.stop();
    this.emit({ kind: 'signed-out' });
    if (ending) {
      // Best effort: the access token is forgotten either way and expires on its own.
      await postGraphQL(this.graphqlUrl, { query: CONSOLE_LOGOUT, variables: { refreshToken: ending.refreshToken } }, ending.accessToken).catch(
        () => undefined,
      );
    }
  }

  private async authenticate(query: string, variables: Record<string, string>, field: 'login' | 'refreshSession'): Promise<AuthPayload> {
    const result = await postGraphQL(this.graphqlUrl, { query, variables });
    const payload = (result.data as Record<string, AuthPayload | null> | null | undefined)?.[field];
    if (!payload) throw new Error(result.errors?.[0]?.message ?? 'Sign-in failed');
    return payload;
  }

  private start(payload: AuthPayload, kind: 'signed-in' | 'refreshed') {
    this.stop();
    this.current = payload;
    const lifetime = new Date(payload.expiresAt).getTime() - Date.now();
    const delay = Math.max(lifetime > 2 * REFRESH_MARGIN_MS ? lifetime - REFRESH_MARGIN_MS : lifetime / 2, 1_000);
    this.refreshTimer = setTimeout(() => void this.refresh(payload.refreshToken), delay);
    this.emit({ kind });
  }

  private async refresh(refreshToken: string) {
    try {
      this.start(await this.authenticate(CONSOLE_REFRESH_SESSION, { refreshToken }, 'refreshSession'), 'refreshed');
    } catch (error) {
      if (this.current?.refreshToken !== refreshToken) return; // signed out or in again meanwhile
      this.stop();
      this.emit({ kind: 'expired', message: `Your session ended (${(error as Error).message.replace(/\.$/, '')}): sign in again.` });
    }
  }

  private stop() {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.current = undefined;
  }

  private emit(event: SessionEvent) {
    for (const listener of this.listeners) listener(event);
  }
}
