/** What `node tools/seed/dist/main.js --print-logins` lists (the seed package owns the demo accounts). */
export interface DemoLogin {
  role: string;
  who: string;
  email: string;
  password: string;
}

export interface BannerOptions {
  gatewayUrl: string;
  subgraphs: { name: string; url: string }[];
  logins: DemoLogin[];
  color: boolean;
}

/** The public directory, as an anonymous partner would query it: nothing to set up to try it. */
export const EXAMPLE_QUERY =
  '{ members(filter: { department: "32" }, first: 5) { totalCount edges { node { displayName jobTitle structure { name commune } channels { network handle } } } } }';

/** A copy-pasteable curl for a query, in a POSIX shell. */
export function curlCommand(url: string, query: string): string {
  const body = JSON.stringify({ query }).replace(/'/g, `'\\''`);
  return `curl -s ${url} -H 'content-type: application/json' \\\n    --data '${body}'`;
}

export function bannerLines(options: BannerOptions): string[] {
  const bold = (text: string) => (options.color ? `\x1b[1m${text}\x1b[0m` : text);
  const table = (rows: string[][]) => {
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    return rows.map((r) => `    ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`);
  };
  return [
    '',
    bold('PDN network API is running (development)'),
    `  GraphQL      ${bold(options.gatewayUrl)}   (queries and mutations over HTTP; in a browser: the coordinators' console)`,
    `  Live         ${options.gatewayUrl.replace(/^http/, 'ws')}   (graphql-ws subscriptions: alertRaised, alertUpdated, postPublished;`,
    '               README "The feed and live alerts" has a ready-to-run subscriber)',
    `  subgraphs    ${options.subgraphs.map((s) => `${s.name} ${s.url}`).join(', ')}`,
    '',
    '  Demo logins (login(email, password) returns the access token; send it as Authorization: Bearer …)',
    ...table([['role', 'e-mail', 'password', 'who'], ...options.logins.map((l) => [l.role, l.email, l.password, l.who])]),
    '',
    '  The public directory, as a partner sees it:',
    `    ${curlCommand(options.gatewayUrl, EXAMPLE_QUERY)}`,
    '',
    '  Calendar feed (iCalendar): ' + options.gatewayUrl.replace(/\/graphql$/, '/ics/events.ics'),
    '',
    '  Ctrl-C stops everything.',
    '',
  ];
}

export function printBanner(write: (line: string) => void, options: BannerOptions): void {
  for (const line of bannerLines(options)) write(line);
}
