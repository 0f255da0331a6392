import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Supergraph } from '@apollo/federation-internals';
import { getVariableValues, type OperationDefinitionNode, parse, validate } from 'graphql';
import { loadSavedReports, localDate, parseSavedReport, reportVariables, startOfQuarter } from './saved-reports.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const supergraphSdl = readFileSync(join(here, '..', 'supergraph.graphql'), 'utf8');
const apiSchema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();

const files = readdirSync(join(here, 'reports'))
  .filter((file) => file.endsWith('.graphql'))
  .map((file) => ({ file, text: readFileSync(join(here, 'reports', file), 'utf8') }));
const reports = loadSavedReports(files);

// Local time, as the browser computes it.
const may17 = new Date(2026, 4, 17, 15, 30);

describe('saved reports', () => {
  it('should hold the four reports coordinators asked for, each titled and described', () => {
    expect(reports.map((r) => r.title)).toEqual([
      'Alerts not yet acknowledged',
      'Members awaiting validation',
      'Promeneurs under their weekly commitment this quarter',
      'Training attendance by structure',
    ]);
    for (const report of reports) expect(report.description.length).toBeGreaterThan(40);
  });

  it.each(reports.map((r) => [r.id, r] as const))('%s should be valid against the supergraph, with the variables the console fills', (_id, report) => {
    const document = parse(report.query);
    expect(validate(apiSchema, document).map((e) => e.message)).toEqual([]);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const variables = reportVariables(report, { department: '32', now: may17 });
    const coerced = getVariableValues(apiSchema, operation.variableDefinitions ?? [], variables);
    expect(coerced.errors?.map((e) => e.message)).toBeUndefined();
    expect(Object.keys(variables).sort()).toEqual([...report.variableNames].sort());
  });

  it('should fill the département and the current quarter, in local time', () => {
    const presence = reports.find((r) => r.operationName === 'PromeneursUnderCommitment')!;
    expect(reportVariables(presence, { department: '32', now: may17 })).toEqual({ department: '32', quarterStart: '2026-04-01', today: '2026-05-17' });
    const training = reports.find((r) => r.operationName === 'TrainingAttendanceByStructure')!;
    expect(reportVariables(training, { department: '47', now: may17 })).toEqual({
      department: '47',
      yearStart: new Date(2026, 0, 1).toISOString(),
      now: may17.toISOString(),
    });
  });

  it('should start each quarter on the first of January, April, July and October', () => {
    const cases: [Date, string][] = [
      [new Date(2026, 0, 1, 0, 0), '2026-01-01'],
      [new Date(2026, 2, 31, 23, 59), '2026-01-01'],
      [new Date(2026, 3, 1, 0, 0), '2026-04-01'],
      [new Date(2026, 8, 30, 12), '2026-07-01'],
      [new Date(2026, 11, 31, 23, 59), '2026-10-01'],
    ];
    for (const [date, expected] of cases) expect(localDate(startOfQuarter(date))).toBe(expected);
  });

  it('should refuse a report without a title, with several operations, or with a variable it cannot fill', () => {
    expect(() => parseSavedReport('x.graphql', 'query X { me { id } }')).toThrow(/Title/);
    expect(() => parseSavedReport('x.graphql', '# X\nquery A { me { id } }\nquery B { me { id } }')).toThrow(/exactly one named query/);
    expect(() => parseSavedReport('x.graphql', '# X\nmutation A { logout(refreshToken: "r") }')).toThrow(/exactly one named query/);
    expect(() => parseSavedReport('x.graphql', '# X\nquery A($year: Int!) { me { id } }')).toThrow(/\$year.*known: department/);
  });

  it('should read the title and description from the leading comments', () => {
    const report = parseSavedReport('reports/some-report.graphql', '# Some report\n# First line,\n#  second line.\nquery SomeReport { me { id } }\n');
    expect(report).toMatchObject({ id: 'some-report', title: 'Some report', description: 'First line, second line.', operationName: 'SomeReport', variableNames: [] });
  });
});
