// What a coordinator looks for in a saved report's result, computed in the browser from the JSON the
// report returned: the contract has no server-side filter for "under the commitment" or "not
// acknowledged by everyone", so the report fetches the figures and this reads them.
// Environment-neutral (no DOM), unit-tested in report-highlights.spec.ts.

export interface Highlight {
  summary: string;
  lines: string[];
}

type Data = Record<string, unknown> | null | undefined;

interface Edges<T> {
  edges?: { node?: T | null }[] | null;
  totalCount?: number;
}

const nodes = <T>(connection: unknown): T[] =>
  ((connection as Edges<T> | null | undefined)?.edges ?? []).flatMap((edge) => (edge?.node ? [edge.node] : []));

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const percent = (ratio: number) => `${Math.round(ratio * 100)} %`;

interface Candidate {
  firstName?: string;
  lastName?: string | null;
  structure?: { name?: string } | null;
  charterAcceptedAt?: string | null;
}

function membersAwaitingValidation(data: Data): Highlight {
  const candidates = nodes<Candidate>(data?.['members']);
  return {
    summary: `${plural(candidates.length, 'candidate')} awaiting validation`,
    lines: candidates.map(
      (c) =>
        `${[c.firstName, c.lastName].filter(Boolean).join(' ')}${c.structure?.name ? ` (${c.structure.name})` : ''}: ` +
        (c.charterAcceptedAt ? 'charter accepted, can be activated' : 'charter not accepted yet'),
    ),
  };
}

interface PresenceMember {
  displayName?: string;
  role?: string;
  presence?: { minutesLogged?: number; minutesCommitted?: number; complianceRatio?: number } | null;
}

function promeneursUnderCommitment(data: Data): Highlight {
  const promeneurs = nodes<PresenceMember>(data?.['members']).filter((m) => m.role === 'PROMENEUR' && m.presence);
  const under = promeneurs
    .filter((m) => (m.presence?.complianceRatio ?? 0) < 1)
    .sort((a, b) => (a.presence?.complianceRatio ?? 0) - (b.presence?.complianceRatio ?? 0));
  return {
    summary: `${under.length} of ${plural(promeneurs.length, 'active promeneur')} under their weekly commitment`,
    lines: under.map(
      (m) =>
        `${m.displayName}: ${m.presence?.minutesLogged ?? 0} of ${m.presence?.minutesCommitted ?? 0} min ` +
        `(${percent(m.presence?.complianceRatio ?? 0)})`,
    ),
  };
}

interface TrainingEvent {
  registrations?: { attended?: boolean | null; member?: { structure?: { id?: string; name?: string } | null } | null }[];
}

function trainingAttendanceByStructure(data: Data): Highlight {
  const events = nodes<TrainingEvent>(data?.['events']);
  const byStructure = new Map<string, { attended: number; absent: number; unrecorded: number }>();
  for (const event of events) {
    for (const registration of event.registrations ?? []) {
      const name = registration.member?.structure?.name ?? 'No structure';
      const row = byStructure.get(name) ?? { attended: 0, absent: 0, unrecorded: 0 };
      if (registration.attended === true) row.attended += 1;
      else if (registration.attended === false) row.absent += 1;
      else row.unrecorded += 1;
      byStructure.set(name, row);
    }
  }
  return {
    summary: `${plural(events.length, 'training')}, ${plural(byStructure.size, 'structure')} registered`,
    lines: [...byStructure.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, row]) => `${name}: ${row.attended} attended, ${row.absent} absent, ${row.unrecorded} not recorded`),
  };
}

interface AlertNode {
  severity?: string;
  title?: string;
  acknowledgementCount?: number;
}

function alertsNotYetAcknowledged(data: Data): Highlight {
  const members = (data?.['activeMembers'] as { totalCount?: number } | undefined)?.totalCount ?? 0;
  const pending = nodes<AlertNode>(data?.['alerts']).filter((a) => (a.acknowledgementCount ?? 0) < members);
  return {
    summary: `${plural(pending.length, 'active alert')} not acknowledged by all ${plural(members, 'active member')}`,
    lines: pending.map((a) => `[${a.severity}] ${a.title}: ${a.acknowledgementCount ?? 0} of ${members} acknowledged`),
  };
}

const HIGHLIGHTS: Readonly<Record<string, (data: Data) => Highlight>> = {
  MembersAwaitingValidation: membersAwaitingValidation,
  PromeneursUnderCommitment: promeneursUnderCommitment,
  TrainingAttendanceByStructure: trainingAttendanceByStructure,
  AlertsNotYetAcknowledged: alertsNotYetAcknowledged,
};

/** Undefined for an operation that is no saved report, or a result without data. */
export function highlightOf(operationName: string, data: Data): Highlight | undefined {
  const highlight = Object.hasOwn(HIGHLIGHTS, operationName) ? HIGHLIGHTS[operationName] : undefined;
  return highlight && data ? highlight(data) : undefined;
}
