// The coordinators' console: a sign-in bar above GraphiQL, whose sidebar holds the saved reports.
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import type { FormattedExecutionResult } from 'graphql';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { ConsoleContext, type ConsoleState } from './console-context.js';
import { createConsoleFetcher } from './fetcher.js';
import { reportsPlugin } from './reports-panel.js';
import { ConsoleSession } from './session.js';

/** GraphiQL keeps tabs, queries, variables and history here instead of localStorage: nothing on disk. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

const DEFAULT_QUERY = `# PDN network console
#
# Open "Saved reports" in the sidebar to run a report in one click, or write a query:
# Ctrl-Enter runs it, Ctrl-Space completes, the documentation explorer lists every field.

query Me {
  me {
    displayName
    role
    department
  }
}
`;

type SchemaState = 'loading' | 'loaded' | 'refused';

const PLUGINS = [reportsPlugin];

/**
 * Opens the saved reports whenever GraphiQL is mounted (page load, sign-in, sign-out), through the
 * sidebar's own button: GraphiQL unfolds a plugin's pane only on that click (its `visiblePlugin` prop
 * selects the plugin but leaves the pane folded on the first render). It clicks once the current
 * effects have run, since GraphiQL's own reset the visible plugin when it mounts.
 */
function OpenReportsOnMount() {
  useEffect(() => {
    const timer = setTimeout(() => {
      document.querySelector<HTMLButtonElement>(`.graphiql-sidebar button[aria-label="Show ${reportsPlugin.title}"]`)?.click();
    });
    return () => clearTimeout(timer);
  }, []);
  return null;
}

function SignInForm({ session }: { session: ConsoleSession }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await session.signIn(email.trim(), password);
    } catch (failure) {
      setError((failure as Error).message);
      setBusy(false);
    }
  }

  return (
    <form className="pdn-sign-in" onSubmit={(event) => void submit(event)} aria-label="Sign in">
      <label>
        E-mail
        <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Password
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Sign in
      </button>
      {error && (
        <span className="pdn-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

export function ConsoleApp({ graphqlUrl, websocketUrl }: { graphqlUrl: string; websocketUrl: string }) {
  const session = useMemo(() => new ConsoleSession(graphqlUrl), [graphqlUrl]);
  const storage = useMemo(() => new MemoryStorage(), []);
  const [member, setMember] = useState(session.member);
  const [notice, setNotice] = useState<string>();
  // GraphiQL introspects again when it is mounted anew: once per sign-in and sign-out.
  const [generation, setGeneration] = useState(0);
  const [schema, setSchema] = useState<SchemaState>('loading');
  const [results, setResults] = useState<ReadonlyMap<string, FormattedExecutionResult>>(new Map());

  // GraphiQL types results as graphql-js ExecutionResults; it only shows them as JSON, which is what
  // the gateway sends (formatted errors).
  const consoleFetcher = useMemo(
    () =>
      createConsoleFetcher({
        graphqlUrl,
        websocketUrl,
        accessToken: () => session.accessToken(),
        onResult: (operationName, result) => {
          if (operationName === 'IntrospectionQuery') {
            setSchema(result.data ? 'loaded' : 'refused');
          } else if (operationName) {
            setResults((previous) => new Map(previous).set(operationName, result));
          }
        },
      }),
    [graphqlUrl, websocketUrl, session],
  );
  const fetcher = consoleFetcher as unknown as GraphiQLProps['fetcher'];

  useEffect(
    () =>
      session.onChange((event) => {
        setMember(session.member);
        if (event.kind === 'refreshed') return;
        // What the member ran and saw (queries, variables, results, history) goes with their session.
        if (event.kind === 'signed-out' || event.kind === 'expired') {
          consoleFetcher.closeSubscriptions();
          storage.clear();
        }
        setNotice(event.kind === 'expired' ? event.message : undefined);
        setResults(new Map());
        setSchema('loading');
        setGeneration((g) => g + 1);
      }),
    [session, storage, consoleFetcher],
  );

  const state: ConsoleState = useMemo(() => ({ member, results }), [member, results]);

  return (
    <ConsoleContext.Provider value={state}>
      <header className="pdn-bar">
        <h1>PDN network console</h1>
        {member ? (
          <div className="pdn-signed-in">
            <span>
              Signed in as <strong>{member.displayName}</strong> ({member.role.toLowerCase()}, département {member.department})
            </span>
            <button type="button" onClick={() => void session.signOut()}>
              Sign out
            </button>
          </div>
        ) : (
          <SignInForm session={session} />
        )}
      </header>
      {notice && (
        <p className="pdn-notice" role="alert">
          {notice}
        </p>
      )}
      {schema === 'refused' && (
        <p className="pdn-notice" role="status" data-state="schema-refused">
          {member
            ? 'The gateway did not share its schema with this account.'
            : 'Sign in to explore the schema: the gateway shares it with signed-in members only.'}
        </p>
      )}
      <main className="pdn-graphiql">
        <GraphiQL
          key={generation}
          fetcher={fetcher}
          storage={storage}
          plugins={PLUGINS}
          defaultQuery={DEFAULT_QUERY}
          isHeadersEditorEnabled={false}
          shouldPersistHeaders={false}
          defaultEditorToolsVisibility="variables"
        >
          {/* Our own logo instead of GraphiQL's, which links to its repository: the console links nowhere else. */}
          <GraphiQL.Logo>
            <OpenReportsOnMount />
            PDN · Graph<em>i</em>QL
          </GraphiQL.Logo>
        </GraphiQL>
      </main>
    </ConsoleContext.Provider>
  );
}
