// Golden findings: every scenario's findings must equal its `expected-findings.json`. Retirement
// deadlines are graded as of a fixed date (NOW) so the files do not age.
import { describe, expect, it } from 'vitest';
import { analyzePosture } from '../posture';
import type { PostureOptions } from '../posture.types';
import { goldenScenarioNames, loadScenario } from '../testing/golden';
import { computeFindings } from './compute-findings';

const NOW = '2026-06-01';
const scenarios = goldenScenarioNames();

describe('golden findings scenarios', () => {
  it('has scenarios', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  it.each(scenarios)('%s', (name) => {
    const s = loadScenario<PostureOptions>(name);
    s.expectGolden('expected-findings.json', computeFindings(s.input, analyzePosture(s.input, s.options), { now: NOW }));
  });
});
