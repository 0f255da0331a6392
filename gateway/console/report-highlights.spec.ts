import { describe, expect, it } from '@jest/globals';
import { highlightOf } from './report-highlights.js';

const connection = <T>(nodes: T[]) => ({ totalCount: nodes.length, edges: nodes.map((node) => ({ node })) });

describe('report highlights', () => {
  it('should list the candidates and say who can already be activated', () => {
    const data = {
      members: connection([
        { firstName: 'Isabelle', lastName: 'Laffargue', structure: { name: "BIJ d'Auch" }, charterAcceptedAt: '2026-05-02T10:00:00+02:00' },
        { firstName: 'Paul', lastName: null, structure: null, charterAcceptedAt: null },
      ]),
    };
    expect(highlightOf('MembersAwaitingValidation', data)).toEqual({
      summary: '2 candidates awaiting validation',
      lines: ["Isabelle Laffargue (BIJ d'Auch): charter accepted, can be activated", 'Paul: charter not accepted yet'],
    });
  });

  it('should keep the promeneurs under their commitment, lowest ratio first, and leave coordinators out', () => {
    const presence = (minutesLogged: number, minutesCommitted: number) => ({ minutesLogged, minutesCommitted, complianceRatio: minutesLogged / minutesCommitted });
    const data = {
      members: connection([
        { displayName: 'Ana du CS', role: 'PROMENEUR', presence: presence(300, 400) },
        { displayName: 'Bruno de la MJC', role: 'PROMENEUR', presence: presence(500, 400) },
        { displayName: 'Chloé du PIJ', role: 'PROMENEUR', presence: presence(0, 400) },
        { displayName: 'Claire (CAF)', role: 'COORDINATOR', presence: presence(0, 400) },
      ]),
    };
    expect(highlightOf('PromeneursUnderCommitment', data)).toEqual({
      summary: '2 of 3 active promeneurs under their weekly commitment',
      lines: ['Chloé du PIJ: 0 of 400 min (0 %)', 'Ana du CS: 300 of 400 min (75 %)'],
    });
  });

  it('should count attendance per structure across the trainings', () => {
    const registration = (attended: boolean | null, structure?: string) => ({ attended, member: { structure: structure ? { name: structure } : null } });
    const data = {
      events: connection([
        { registrations: [registration(true, 'MJC de Condom'), registration(false, "BIJ d'Auch"), registration(null, "BIJ d'Auch")] },
        { registrations: [registration(true, "BIJ d'Auch"), registration(true)] },
      ]),
    };
    expect(highlightOf('TrainingAttendanceByStructure', data)).toEqual({
      summary: '2 trainings, 3 structures registered',
      lines: [
        "BIJ d'Auch: 1 attended, 1 absent, 1 not recorded",
        'MJC de Condom: 1 attended, 0 absent, 0 not recorded',
        'No structure: 1 attended, 0 absent, 0 not recorded',
      ],
    });
  });

  it('should keep the alerts fewer members acknowledged than the département has', () => {
    const data = {
      alerts: connection([
        { severity: 'CRITICAL', title: 'Défi viral', acknowledgementCount: 2 },
        { severity: 'INFO', title: 'Panne', acknowledgementCount: 12 },
      ]),
      activeMembers: { totalCount: 12 },
    };
    expect(highlightOf('AlertsNotYetAcknowledged', data)).toEqual({
      summary: '1 active alert not acknowledged by all 12 active members',
      lines: ['[CRITICAL] Défi viral: 2 of 12 acknowledged'],
    });
  });

  it('should have nothing to say about other operations or a result without data', () => {
    expect(highlightOf('Me', { me: null })).toBeUndefined();
    expect(highlightOf('MembersAwaitingValidation', null)).toBeUndefined();
    expect(highlightOf('toString', {})).toBeUndefined();
  });
});
