// computeFindings reuses the policies analyzePosture normalized (remembered per posture, used
// only for the very same policy objects). Findings must not depend on it: the same with a posture
// that remembers nothing (a JSON copy, as read back from storage), with a state whose policies are
// copies, and with a posture of other policy objects.
import { describe, expect, it } from 'vitest';
import { analyzePosture } from '../posture';
import { randomCluster } from '../testing/random-cluster';
import { computeFindings } from './compute-findings';

const NOW = { now: '2026-11-21T00:00:00Z' };

describe('findings with and without the normalized policies of the posture', () => {
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`seed ${seed}`, () => {
      const state = randomCluster(seed, 30);
      const posture = analyzePosture(state);
      const findings = computeFindings(state, posture, NOW);
      expect(findings.length).toBeGreaterThan(0);
      const plainPosture = JSON.parse(JSON.stringify(posture)) as typeof posture;
      const copiedState = JSON.parse(JSON.stringify(state)) as typeof state;
      expect(computeFindings(state, plainPosture, NOW)).toEqual(findings);
      expect(computeFindings(copiedState, posture, NOW)).toEqual(findings);
      expect(computeFindings(copiedState, analyzePosture(copiedState), NOW)).toEqual(findings);
      // A posture of other (equal) policy objects: the state's own policies are normalized.
      expect(computeFindings(state, analyzePosture(copiedState), NOW)).toEqual(findings);
      // Computing twice from one posture gives the same answer.
      expect(computeFindings(state, posture, NOW)).toEqual(findings);
    });
  }
});
