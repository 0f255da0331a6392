// The saved reports: one GraphQL operation per file in reports/, titled by its first comment line and
// described by the comment lines after it. Their variables are filled by name from the signed-in
// coordinator and the current date, so a report runs in one click; the values stay editable.
// Environment-neutral (no DOM): the gateway's specs check every report against the supergraph with it.
import { Kind, type OperationDefinitionNode, parse } from 'graphql';

export interface SavedReport {
  /** The file name without `.graphql`, e.g. `members-awaiting-validation`. */
  id: string;
  title: string;
  description: string;
  /** The file's text, comments included: what the query editor shows. */
  query: string;
  operationName: string;
  variableNames: string[];
}

export interface ReportContext {
  /** INSEE code of the signed-in coordinator's département. */
  department: string;
  now: Date;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** YYYY-MM-DD of the day `date` falls on, in the browser's time zone (the coordinators': Europe/Paris). */
export function localDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Midnight of the first day of the calendar quarter holding `date`, local time. */
export function startOfQuarter(date: Date): Date {
  return new Date(date.getFullYear(), Math.floor(date.getMonth() / 3) * 3, 1);
}

/** The variables a report may declare, by name. */
export const REPORT_VARIABLES: Readonly<Record<string, (context: ReportContext) => string>> = {
  department: (c) => c.department,
  /** Date: the first day of the current quarter. */
  quarterStart: (c) => localDate(startOfQuarter(c.now)),
  /** Date: today. */
  today: (c) => localDate(c.now),
  /** DateTime: midnight on the first of January. */
  yearStart: (c) => new Date(c.now.getFullYear(), 0, 1).toISOString(),
  /** DateTime: now. */
  now: (c) => c.now.toISOString(),
};

export function parseSavedReport(file: string, text: string): SavedReport {
  const id = file.replace(/^.*\//, '').replace(/\.graphql$/, '');
  const comments: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    comments.push(line.replace(/^#\s?/, '').trim());
  }
  const [title, ...description] = comments;
  if (!title) throw new Error(`saved report ${file}: the first line must be a "# Title" comment`);
  const operations = parse(text).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || !operations[0].name || operations[0].operation !== 'query') {
    throw new Error(`saved report ${file}: must hold exactly one named query`);
  }
  const variableNames = (operations[0].variableDefinitions ?? []).map((v) => v.variable.name.value);
  const unknown = variableNames.filter((name) => !(name in REPORT_VARIABLES));
  if (unknown.length > 0) {
    throw new Error(`saved report ${file}: unknown variable(s) ${unknown.map((n) => `$${n}`).join(', ')}; known: ${Object.keys(REPORT_VARIABLES).join(', ')}`);
  }
  return { id, title, description: description.join(' '), query: text, operationName: operations[0].name.value, variableNames };
}

export function reportVariables(report: SavedReport, context: ReportContext): Record<string, string> {
  return Object.fromEntries(report.variableNames.map((name) => [name, REPORT_VARIABLES[name](context)]));
}

/** Every report, by title. */
export function loadSavedReports(files: readonly { file: string; text: string }[]): SavedReport[] {
  return files.map(({ file, text }) => parseSavedReport(file, text)).sort((a, b) => a.title.localeCompare(b.title));
}
