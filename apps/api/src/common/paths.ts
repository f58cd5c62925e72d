import { resolve } from 'node:path';

/** The repository root: relative paths in configuration (KORDON_DATA_DIR, manifests) start here. */
export const REPO_ROOT = resolve(__dirname, '../../../..');

export function fromRepoRoot(...parts: string[]): string {
  return resolve(REPO_ROOT, ...parts);
}
