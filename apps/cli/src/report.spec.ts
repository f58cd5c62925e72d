// The JSON report is written in pieces (millions of connections outgrow one string): the pieces
// must still form the same document JSON.stringify would.
import { describe, expect, it } from 'vitest';
import { type JsonReport, writeJsonReport } from './report';

function written(report: JsonReport): string {
  let out = '';
  writeJsonReport(report, (chunk) => void (out += chunk));
  return out;
}

const base = {
  source: '/x',
  cluster: { name: '@@kordon:connections@@' },
  namespaces: [],
  workloads: [],
  findings: [{ ruleId: 'R', message: '\n  "connections": "x"' }],
} as unknown as JsonReport;

describe('writeJsonReport', () => {
  it.each([0, 1, 3, 12_345])('streams %i connections into the same document', (n) => {
    const connections = Array.from({ length: n }, (_, i) => ({ src: `a/w${i}`, dst: '10.0.0.0-10.0.0.255', conn: 'TCP 53,UDP 53' }));
    const report = { ...base, connections, problems: [] } as JsonReport;
    const text = written(report);
    expect(JSON.parse(text)).toEqual(report);
    expect(Object.keys(JSON.parse(text))).toEqual(['source', 'cluster', 'namespaces', 'workloads', 'findings', 'connections', 'problems']);
    if (n) expect(text).toContain('\n    {"src":"a/w0","dst":"10.0.0.0-10.0.0.255","conn":"TCP 53,UDP 53"}');
  });

  it('writes no connections key without them', () => {
    expect(JSON.parse(written(base))).not.toHaveProperty('connections');
  });
});
