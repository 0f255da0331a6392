// The "Saved reports" pane of GraphiQL's sidebar: one click loads a report's query and variables into
// the editors and runs it; the pane then shows what the result means (report-highlights.ts).
import { useEditorContext, useExecutionContext, type GraphiQLPlugin } from '@graphiql/react';
import savedReportFiles from 'pdn:saved-reports';
import { useConsole } from './console-context.js';
import { highlightOf } from './report-highlights.js';
import { loadSavedReports, reportVariables, type SavedReport } from './saved-reports.js';

const REPORTS = loadSavedReports(savedReportFiles);

function ReportsPanel() {
  const { member, results } = useConsole();
  const editors = useEditorContext({ nonNull: true });
  const execution = useExecutionContext({ nonNull: true });

  function open(report: SavedReport) {
    if (!member) return;
    const variables = reportVariables(report, { department: member.department, now: new Date() });
    editors.queryEditor?.setValue(report.query);
    editors.variableEditor?.setValue(JSON.stringify(variables, null, 2));
    execution.run();
  }

  return (
    <section className="pdn-reports" aria-label="Saved reports">
      <div className="graphiql-doc-explorer-title">Saved reports</div>
      {member ? (
        <p className="pdn-reports-hint">
          For département {member.department}; the variables can be changed before running again.
        </p>
      ) : (
        <p className="pdn-reports-hint">Sign in to run the saved reports.</p>
      )}
      <ul>
        {REPORTS.map((report) => {
          const result = results.get(report.operationName);
          const highlight = result ? highlightOf(report.operationName, result.data) : undefined;
          return (
            <li key={report.id} data-report={report.id}>
              <button type="button" className="pdn-report-button" disabled={!member || execution.isFetching} onClick={() => open(report)}>
                {report.title}
              </button>
              <p className="pdn-report-description">{report.description}</p>
              {highlight && (
                <div className="pdn-report-highlight" role="status">
                  <strong>{highlight.summary}</strong>
                  {highlight.lines.length > 0 && (
                    <ul>
                      {highlight.lines.map((line, index) => (
                        <li key={index}>{line}</li>
                      ))}
                    </ul>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function ReportsIcon() {
  return (
    <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <rect x="4" y="3" width="16" height="18" rx="2" />
      <path d="M8 8h8M8 12h8M8 16h5" />
    </svg>
  );
}

export const reportsPlugin: GraphiQLPlugin = { title: 'Saved reports', icon: ReportsIcon, content: ReportsPanel };
