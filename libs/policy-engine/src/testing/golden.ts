// Golden-file machinery shared by the posture, findings and reachability golden specs: the
// scenario folders under libs/policy-engine/fixtures (input.json, optional options.json), and
// comparing an output with its expected-*.json, which `UPDATE_GOLDEN=1` rewrites (review the diff:
// these files are specifications). Reading fixtures is the tests' I/O, never the engine's.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { ClusterState } from '../model';

const FIXTURES = resolve(__dirname, '../../fixtures');
const update = process.env.UPDATE_GOLDEN === '1';

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

export interface Scenario<O> {
  name: string;
  input: ClusterState;
  options: O;
  /** Compares `actual` (made plain data through JSON) with `<file>` in the scenario folder. */
  expectGolden(file: string, actual: unknown): void;
}

export function goldenScenarioNames(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, 'input.json')))
    .map((d) => d.name)
    .sort();
}

export function loadScenario<O = Record<string, never>>(name: string): Scenario<O> {
  const dir = join(FIXTURES, name);
  const optionsPath = join(dir, 'options.json');
  return {
    name,
    input: readJson<ClusterState>(join(dir, 'input.json')),
    options: existsSync(optionsPath) ? readJson<O>(optionsPath) : ({} as O),
    expectGolden(file, actual) {
      const plain: unknown = JSON.parse(JSON.stringify(actual));
      const path = join(dir, file);
      if (update || !existsSync(path)) {
        writeFileSync(path, `${JSON.stringify(plain, null, 2)}\n`);
        if (!update) throw new Error(`${name}: ${file} was missing and has been written; review it and rerun`);
        return;
      }
      expect(plain).toEqual(readJson(path));
    },
  };
}
