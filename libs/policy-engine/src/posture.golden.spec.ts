// Golden posture: every scenario under libs/policy-engine/fixtures must produce its
// `expected.json` (see testing/golden.ts for UPDATE_GOLDEN=1).
import { describe, expect, it } from 'vitest';
import { analyzePosture } from './posture';
import type { PostureOptions } from './posture.types';
import { goldenScenarioNames, loadScenario } from './testing/golden';

const scenarios = goldenScenarioNames();

describe('golden posture scenarios', () => {
  it('has scenarios', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  it.each(scenarios)('%s', (name) => {
    const s = loadScenario<PostureOptions>(name);
    s.expectGolden('expected.json', analyzePosture(s.input, s.options));
  });
});
