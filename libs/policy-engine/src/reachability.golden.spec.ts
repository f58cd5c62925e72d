// Golden reachability: every scenario's connections (`expected-connections.json`) and namespace
// matrix (`expected-matrix.json`).
import { describe, expect, it } from 'vitest';
import { analyzeReachability, type ReachabilityOptions } from './reachability';
import { goldenScenarioNames, loadScenario } from './testing/golden';

const scenarios = goldenScenarioNames();

describe('golden reachability scenarios', () => {
  it('has scenarios', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  it.each(scenarios)('%s', (name) => {
    const s = loadScenario<ReachabilityOptions>(name);
    const report = analyzeReachability(s.input, s.options);
    s.expectGolden('expected-connections.json', report.connections());
    s.expectGolden('expected-matrix.json', report.namespaceMatrix());
  });
});
