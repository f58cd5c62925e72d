// Owns reading demo/fleet.json: the demo clusters, their labels and schedule, and for each
// history step the absolute list of manifest files that make up that day's snapshot (the
// cluster folder minus that step's excludes). Every defect in the file is reported at once, so
// a broken demo fails at boot with one readable error rather than a half-seeded fleet.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { MANIFEST_EXTENSIONS } from '@kordon/collectors';

export interface DemoHistoryStep {
  daysAgo: number;
  /** Absolute paths, sorted; what a snapshot taken `daysAgo` days ago would have read. */
  files: string[];
}

export interface DemoCluster {
  name: string;
  environment: string;
  team: string;
  scheduleMinutes: number;
  /** Absolute path of the cluster's manifest folder. */
  dir: string;
  /** Oldest first; the last step is the most recent. */
  history: DemoHistoryStep[];
}

export interface DemoFleet {
  clusters: DemoCluster[];
}

export const DEFAULT_DEMO_DIR = resolve(__dirname, '../../../../demo');
export const DEMO_FLEET_FILE = 'fleet.json';

export class DemoFleetError extends Error {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super(`Invalid demo fleet ${file}:\n  - ${issues.join('\n  - ')}`);
    this.name = 'DemoFleetError';
  }
}

// Cluster names become URL segments and Kubernetes-style identifiers elsewhere.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const fleetSchema = z.object({
  clusters: z
    .array(
      z.object({
        name: z.string().regex(DNS_LABEL, 'must be a DNS label (lowercase letters, digits, dashes)'),
        environment: z.string().min(1),
        team: z.string().min(1),
        scheduleMinutes: z.number().int().positive(),
        dir: z.string().min(1),
        history: z
          .array(
            z.object({
              daysAgo: z.number().int().min(0),
              exclude: z.array(z.string().min(1)).default([]),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});

export function readDemoFleet(rootDir: string = DEFAULT_DEMO_DIR): DemoFleet {
  const file = join(rootDir, DEMO_FLEET_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DemoFleetError(file, [e.code === 'ENOENT' ? 'file not found' : `unreadable: ${e.message}`]);
  }
  const parsed = fleetSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DemoFleetError(
      file,
      parsed.error.issues.map((i) => `${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')}: ${i.message}`),
    );
  }

  const issues: string[] = [];
  const seen = new Set<string>();
  const clusters: DemoCluster[] = [];
  parsed.data.clusters.forEach((c, ci) => {
    const at = `clusters[${ci}] (${c.name})`;
    if (seen.has(c.name)) issues.push(`${at}: duplicate cluster name`);
    seen.add(c.name);
    const dir = resolve(rootDir, c.dir);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      issues.push(`${at}.dir: ${dir} is not a directory`);
      return;
    }
    const all = listManifestFiles(dir);
    if (!all.length) issues.push(`${at}.dir: ${dir} holds no manifest files`);
    const days = new Set<number>();
    const history: DemoHistoryStep[] = [];
    c.history.forEach((step, si) => {
      if (days.has(step.daysAgo)) issues.push(`${at}.history[${si}]: daysAgo ${step.daysAgo} appears twice`);
      days.add(step.daysAgo);
      const excluded = new Set<string>();
      for (const ex of step.exclude) {
        const target = resolve(dir, ex);
        if (isAbsolute(ex) || relative(dir, target).startsWith('..')) {
          issues.push(`${at}.history[${si}].exclude: ${ex} must be a path inside ${c.dir}`);
          continue;
        }
        // A folder excludes everything under it; a typo must not silently exclude nothing.
        const hits = all.filter((f) => f === target || f.startsWith(target + sep));
        if (!hits.length) issues.push(`${at}.history[${si}].exclude: ${ex} matches no manifest file in ${c.dir}`);
        hits.forEach((h) => excluded.add(h));
      }
      history.push({ daysAgo: step.daysAgo, files: all.filter((f) => !excluded.has(f)) });
    });
    history.sort((a, b) => b.daysAgo - a.daysAgo);
    clusters.push({ name: c.name, environment: c.environment, team: c.team, scheduleMinutes: c.scheduleMinutes, dir, history });
  });
  if (issues.length) throw new DemoFleetError(file, issues);
  return { clusters };
}

/** Same selection and order as the manifests collector's folder walk, so a step equals "the folder". */
function listManifestFiles(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...listManifestFiles(full));
    else if (MANIFEST_EXTENSIONS.some((ext) => e.name.toLowerCase().endsWith(ext))) out.push(full);
  }
  return out;
}
