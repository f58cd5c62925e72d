// Seeds a year of fleet history fast, for the API benchmark: N clusters × D daily snapshots ×
// 40 namespaces. Shapes are real: two snapshots of the demo cluster aks-prod-weu (its oldest,
// policy-less history step and its newest, fully policed one) go through the real pipeline
// (collector → engine → writer); their rows are then cloned with SQL.
// - 40 namespaces per cluster: the 12 real ones, plus 28 copies of the application namespaces
//   with three times the workloads (so their `detail` JSON is a few KB, like a busy namespace);
// - coverage rises over the year: the year is cut into 12 monthly epochs and each cluster rolls
//   default-deny out to a few more namespaces every epoch (a namespace is either in its real
//   "before" state or its real "after" state);
// - content sets change only when the epoch does (a policy set and finding set per cluster and
//   epoch, one namespace set and one workload set per cluster), like the real content-addressed
//   writer: an unchanged daily snapshot adds one snapshot row and its 40 posture rows.
import type { INestApplication } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { collectFromManifests } from '@kordon/collectors';
import { ClustersService } from '../apps/api/src/clusters/clusters.service';
import { readDemoFleet } from '../apps/api/src/demo/demo-fleet';
import { canonicalJson, sha256 } from '../apps/api/src/snapshots/snapshot-content';
import { SnapshotsService } from '../apps/api/src/snapshots/snapshots.service';

export interface SeedOptions {
  clusters: number;
  days: number;
  namespaces: number;
}

export interface SeededFleet {
  clusterIds: string[];
  /** Namespace names of every cluster (the same 40 in each). */
  namespaces: string[];
  /** Application namespaces (pods, policies over the year): what posture/history pages are opened on. */
  appNamespaces: string[];
  seedMs: number;
  rows: Record<string, number>;
}

const EPOCHS = 12;
const DAY_MS = 86_400_000;

// Rows of several tables as pg returns them, and JSON detail trees: loosely typed on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

/** Bulk insert through unnest (one array per column), like the real writer. */
async function insert(pg: Client, table: string, columns: [string, string][], rows: unknown[][]): Promise<void> {
  const CHUNK = 20_000;
  const names = columns.map(([n]) => `"${n}"`).join(', ');
  const params = columns.map(([, t], i) => `$${i + 1}::${t === 'jsonb' ? 'text' : t}[]`).join(', ');
  const select = columns.map(([n, t]) => (t === 'jsonb' ? `"${n}"::jsonb` : `"${n}"`)).join(', ');
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    await pg.query(`INSERT INTO ${table} (${names}) SELECT ${select} FROM unnest(${params}) AS t(${names}) ON CONFLICT DO NOTHING`, columns.map((_, i) => chunk.map((r) => r[i])));
  }
}

/** Deep copy of a namespace's detail JSON renamed to `name`, its workloads repeated `mult` times. */
function cloneDetail(detail: Row, src: string, name: string, mult: number): Row {
  const rename = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rename);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, (k === 'namespace' || k === 'name') && x === src ? name : rename(x)]));
    return v;
  };
  const d = rename(detail) as Row;
  if (mult === 1) return d;
  const scaled = (dir: Row) => ({ ...dir, pods: dir.pods * mult, workloads: dir.workloads * mult, isolatedPods: dir.isolatedPods * mult, isolatedWorkloads: dir.isolatedWorkloads * mult });
  return {
    ...d,
    pods: d.pods * mult,
    ingress: scaled(d.ingress),
    egress: scaled(d.egress),
    workloads: Array.from({ length: mult }, (_, i) => (d.workloads as Row[]).map((w) => ({ ...w, name: `${w.name}-${i + 1}` }))).flat(),
  };
}

export async function seedHistory(app: INestApplication, databaseUrl: string, opts: SeedOptions): Promise<SeededFleet> {
  const t0 = performance.now();
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    await pg.query('SET synchronous_commit = off');

    // 1. Two real snapshots of the demo cluster through the real pipeline.
    const demo = readDemoFleet().clusters.find((c) => c.name === 'aks-prod-weu');
    if (!demo) throw new Error('demo cluster aks-prod-weu not found in demo/fleet.json');
    const template = await app.get(ClustersService).register({ name: 'bench-template', source: 'manifests', paths: ['demo/clusters/aks-prod-weu'] } as never);
    const snapshots = app.get(SnapshotsService);
    const real: Record<'before' | 'after', string> = { before: '', after: '' };
    for (const [phase, step] of [['before', demo.history[0]], ['after', demo.history[demo.history.length - 1]]] as const) {
      const r = await snapshots.run(template.id, { trigger: 'seed', at: new Date(Date.now() - (step.daysAgo + 400) * DAY_MS), collect: (o) => collectFromManifests(step.files, o) });
      if (r.status !== 'succeeded') throw new Error(`template snapshot failed: ${JSON.stringify(r)}`);
      real[phase] = r.snapshotId;
    }
    const q = async (text: string, params: unknown[] = []) => (await pg.query(text, params)).rows as Row[];
    const [snapAfter] = await q('SELECT * FROM snapshot WHERE id = $1', [real.after]);
    const postures = { before: await q('SELECT * FROM namespace_posture WHERE snapshot_id = $1 ORDER BY namespace', [real.before]), after: await q('SELECT * FROM namespace_posture WHERE snapshot_id = $1 ORDER BY namespace', [real.after]) };
    const policies = await q('SELECT p.* FROM policy_set_member m JOIN policy_object p ON p.hash = m.policy_hash WHERE m.set_hash = $1', [snapAfter.policy_set_hash]);
    const findingsOf = async (id: string) => q('SELECT f.* FROM snapshot s JOIN finding_set_member m ON m.set_hash = s.finding_set_hash JOIN finding_object f ON f.hash = m.finding_hash WHERE s.id = $1', [id]);
    const findings = { before: await findingsOf(real.before), after: await findingsOf(real.after) };
    const workloads = await q('SELECT w.* FROM workload_set_member m JOIN workload_object w ON w.hash = m.workload_hash WHERE m.set_hash = $1', [snapAfter.workload_set_hash]);
    const nsMembers = await q('SELECT m.*, l.labels FROM namespace_set_member m JOIN label_set l ON l.hash = m.label_set_hash WHERE m.set_hash = $1', [snapAfter.namespace_set_hash]);
    await q('DELETE FROM cluster WHERE id = $1', [template.id]);

    // 2. The 40 namespace templates (before/after state each).
    const realNames = postures.after.map((p) => p.namespace as string);
    const appNames = postures.after.filter((p) => p.pods > 0 && !p.excluded).map((p) => p.namespace as string);
    const tmpl = Array.from({ length: opts.namespaces }, (_, k) => {
      if (k < realNames.length) return { k, src: realNames[k], name: realNames[k], mult: 1 };
      const i = k - realNames.length;
      const src = appNames[i % appNames.length];
      return { k, src, name: `${src}-${Math.floor(i / appNames.length) + 2}`, mult: 3 };
    });
    const flatOf = (phase: 'before' | 'after', t: (typeof tmpl)[number]) => {
      const p = postures[phase].find((r) => r.namespace === t.src)!;
      const m = t.mult;
      return {
        excluded: p.excluded, pods: p.pods * m, workloads: p.workloads * m,
        ingress_isolated_pods: p.ingress_isolated_pods * m, egress_isolated_pods: p.egress_isolated_pods * m,
        ingress_isolated_workloads: p.ingress_isolated_workloads * m, egress_isolated_workloads: p.egress_isolated_workloads * m,
        default_deny_ingress: p.default_deny_ingress, default_deny_egress: p.default_deny_egress,
        effectively_isolated_ingress: p.effectively_isolated_ingress, effectively_isolated_egress: p.effectively_isolated_egress,
        policies: p.policies, detail: cloneDetail(p.detail, t.src, t.name, m),
      };
    };
    const flat = { before: tmpl.map((t) => flatOf('before', t)), after: tmpl.map((t) => flatOf('after', t)) };

    // 3. Clusters.
    const engines = ['azure', 'azure', 'azure', 'cilium', 'calico'];
    const envs = ['prod', 'prod', 'staging', 'dev'];
    const teams = ['platform', 'payments', 'retail', 'data', 'identity'];
    const clusterRows = Array.from({ length: opts.clusters }, (_, c) => [
      `bench-${String(c).padStart(3, '0')}`, envs[c % envs.length], teams[c % teams.length], JSON.stringify({ paths: ['demo/clusters/aks-prod-weu'] }),
      JSON.stringify({ region: c % 2 ? 'westeurope' : 'northeurope' }),
    ]);
    const clusterIds = (
      await q(
        `INSERT INTO cluster (id, name, source, source_config, environment, team, labels, schedule_minutes, updated_at)
         SELECT gen_random_uuid(), name, 'manifests', cfg::jsonb, env, team, labels::jsonb, 1440, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(name, env, team, cfg, labels)
         RETURNING id, name`,
        [0, 1, 2, 3, 4].map((i) => clusterRows.map((r) => r[i])),
      )
    ).sort((a, b) => (a.name < b.name ? -1 : 1)).map((r) => r.id as string);

    // 4. Content rows, per cluster: namespace set, workload set, and per epoch a policy and finding set.
    const labelSets = new Map<string, string>();
    const nsSetMembers: unknown[][] = [];
    const nsSets: unknown[][] = [];
    const wlObjects: unknown[][] = [];
    const wlSets: unknown[][] = [];
    const wlSetMembers: unknown[][] = [];
    const polObjects: unknown[][] = [];
    const polSets = new Map<string, number>();
    const polSetMembers: unknown[][] = [];
    const fObjects = new Map<string, unknown[]>();
    const fSets = new Map<string, { counts: string; size: number }>();
    const fSetMembers: unknown[][] = [];
    const epochRows: unknown[][] = [];
    const nsEpochRows: unknown[][] = [];
    const labelHash = (labels: Row) => {
      const text = canonicalJson(labels);
      const h = sha256(text);
      labelSets.set(h, text);
      return h;
    };
    clusterIds.forEach((clusterId, c) => {
      const cname = clusterRows[c][0] as string;
      const engine = engines[c % engines.length];
      const nsHash = sha256(`ns|${cname}`);
      nsSets.push([nsHash, tmpl.length]);
      const wlHash = sha256(`wl|${cname}`);
      const policyHashesByNs = new Map<number, string[]>();
      let wlCount = 0;
      for (const t of tmpl) {
        const m = nsMembers.find((n) => n.name === t.src)!;
        const lh = labelHash({ ...m.labels, 'kubernetes.io/metadata.name': t.name });
        nsSetMembers.push([nsHash, t.name, lh, m.pod_count * t.mult, m.workload_count * t.mult]);
        for (const w of workloads.filter((x) => x.namespace === t.src)) {
          for (let i = 1; i <= t.mult; i++) {
            const name = t.mult === 1 ? w.name : `${w.name}-${i}`;
            const h = sha256(`w|${cname}|${t.name}|${name}|${w.hash}`);
            wlObjects.push([h, t.name, w.kind, name, w.label_set_hash, w.pod_count, JSON.stringify(w.ports), JSON.stringify(w.pods)]);
            wlSetMembers.push([wlHash, h]);
            wlCount++;
          }
        }
        const ph: string[] = [];
        for (const p of policies.filter((x) => x.namespace === t.src)) {
          const h = sha256(`p|${cname}|${t.name}|${p.hash}`);
          polObjects.push([h, p.api_version, p.kind, t.name, p.name, p.body.split(`"namespace":"${t.src}"`).join(`"namespace":"${t.name}"`)]);
          ph.push(h);
        }
        policyHashesByNs.set(t.k, ph);
      }
      wlSets.push([wlHash, wlCount]);
      // Rollout order and pace differ per cluster; every cluster starts low and ends high.
      const rank = (k: number) => (k * 17 + c * 7) % tmpl.length;
      const lo = c % 5;
      const hi = 28 + (c % 12);
      for (let e = 0; e < EPOCHS; e++) {
        const target = Math.round(lo + (e * (hi - lo)) / (EPOCHS - 1));
        const covered = tmpl.map((t) => rank(t.k) < target);
        const phaseOf = (k: number) => (covered[k] ? 'after' : 'before') as 'before' | 'after';
        const ps = tmpl.flatMap((t) => (covered[t.k] ? policyHashesByNs.get(t.k)! : []));
        const psHash = sha256(`ps|${cname}|${[...ps].sort().join(',')}`);
        if (!polSets.has(psHash)) {
          polSets.set(psHash, ps.length);
          for (const h of ps) polSetMembers.push([psHash, h]);
        }
        // Findings: each namespace's from its own state; cluster-wide ones flip half way.
        const fHashes: string[] = [];
        const counts: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
        const addFinding = (f: Row, ns: string | null, t?: (typeof tmpl)[number]) => {
          const h = sha256(`f|${cname}|${ns}|${f.hash}`);
          const ren = (v: string | null) => (t && v === t.src ? t.name : v);
          if (!fObjects.has(h)) fObjects.set(h, [h, f.rule_id, f.severity, f.title, f.message, ren(f.namespace), f.object_kind, ren(f.object_namespace), f.object_name, f.remediation_yaml]);
          fHashes.push(h);
          counts[f.severity] = (counts[f.severity] ?? 0) + 1;
        };
        for (const t of tmpl) for (const f of findings[phaseOf(t.k)].filter((x) => x.namespace === t.src || (!x.namespace && x.object_namespace === t.src))) addFinding(f, t.name, t);
        for (const f of findings[e < EPOCHS / 2 ? 'before' : 'after'].filter((x) => !x.namespace && !x.object_namespace)) addFinding(f, null);
        const fsHash = sha256(`fs|${cname}|${[...fHashes].sort().join(',')}`);
        if (!fSets.has(fsHash)) {
          fSets.set(fsHash, { counts: JSON.stringify(counts), size: fHashes.length });
          for (const h of fHashes) fSetMembers.push([fsHash, h]);
        }
        // The cluster roll-up, as toPostureSummary computes it from the namespace rows.
        const rows = tmpl.map((t) => flat[phaseOf(t.k)][t.k]);
        const inScope = rows.filter((r) => !r.excluded);
        const sum = (f: (r: (typeof rows)[number]) => number) => inScope.reduce((a, r) => a + f(r), 0);
        const pods = sum((r) => r.pods);
        const wls = sum((r) => r.workloads);
        const posture = {
          engine, enforced: true, namespaces: inScope.length, excludedNamespaces: rows.length - inScope.length,
          ingress: { pods: pods ? sum((r) => r.ingress_isolated_pods) / pods : 0, workloads: wls ? sum((r) => r.ingress_isolated_workloads) / wls : 0, namespacesWithDefaultDeny: inScope.filter((r) => r.default_deny_ingress).length },
          egress: { pods: pods ? sum((r) => r.egress_isolated_pods) / pods : 0, workloads: wls ? sum((r) => r.egress_isolated_workloads) / wls : 0, namespacesWithDefaultDeny: inScope.filter((r) => r.default_deny_egress).length },
          findings: counts,
        };
        const snapCounts = { namespaces: rows.length, pods: rows.reduce((a, r) => a + r.pods, 0), workloads: rows.reduce((a, r) => a + r.workloads, 0), networkPolicies: ps.length, crdPolicies: 0, services: snapAfter.counts.services, nodes: snapAfter.counts.nodes };
        epochRows.push([clusterId, e, JSON.stringify(posture), JSON.stringify(snapCounts), engine, JSON.stringify({ ...snapAfter.network_profile, networkPolicy: engine }), psHash, fsHash, nsHash, wlHash]);
        for (const t of tmpl) nsEpochRows.push([clusterId, e, t.k, covered[t.k]]);
      }
    });
    await insert(pg, 'label_set', [['hash', 'text'], ['labels', 'jsonb']], [...labelSets].map(([h, text]) => [h, text]));
    await insert(pg, 'namespace_set', [['hash', 'text'], ['size', 'int']], nsSets);
    await insert(pg, 'namespace_set_entry', [['set_hash', 'text'], ['name', 'text'], ['label_set_hash', 'text'], ['pod_count', 'int'], ['workload_count', 'int']], nsSetMembers);
    await insert(pg, 'workload_object', [['hash', 'text'], ['namespace', 'text'], ['kind', 'text'], ['name', 'text'], ['label_set_hash', 'text'], ['pod_count', 'int'], ['ports', 'jsonb'], ['pods', 'jsonb']], wlObjects);
    await insert(pg, 'workload_set', [['hash', 'text'], ['size', 'int']], wlSets);
    await insert(pg, 'workload_set_entry', [['set_hash', 'text'], ['workload_hash', 'text']], wlSetMembers);
    await insert(pg, 'policy_object', [['hash', 'text'], ['api_version', 'text'], ['kind', 'text'], ['namespace', 'text'], ['name', 'text'], ['body', 'text']], polObjects);
    await insert(pg, 'policy_set', [['hash', 'text'], ['size', 'int']], [...polSets]);
    await insert(pg, 'policy_set_entry', [['set_hash', 'text'], ['policy_hash', 'text']], polSetMembers);
    await insert(pg, 'finding_object', [['hash', 'text'], ['rule_id', 'text'], ['severity', 'text'], ['title', 'text'], ['message', 'text'], ['namespace', 'text'], ['object_kind', 'text'], ['object_namespace', 'text'], ['object_name', 'text'], ['remediation_yaml', 'text']], [...fObjects.values()]);
    await insert(pg, 'finding_set', [['hash', 'text'], ['size', 'int'], ['counts', 'jsonb']], [...fSets].map(([h, s]) => [h, s.size, s.counts]));
    await insert(pg, 'finding_set_entry', [['set_hash', 'text'], ['finding_hash', 'text']], fSetMembers);

    // 5. Snapshots and namespace posture rows: generate_series, in SQL.
    await q(`CREATE TEMP TABLE seed_epoch (cluster_id uuid, e int, posture jsonb, counts jsonb, policy_engine text, network_profile jsonb, policy_set_hash text, finding_set_hash text, namespace_set_hash text, workload_set_hash text)`);
    await insert(pg, 'seed_epoch', [['cluster_id', 'uuid'], ['e', 'int'], ['posture', 'jsonb'], ['counts', 'jsonb'], ['policy_engine', 'text'], ['network_profile', 'jsonb'], ['policy_set_hash', 'text'], ['finding_set_hash', 'text'], ['namespace_set_hash', 'text'], ['workload_set_hash', 'text']], epochRows);
    await q(`CREATE TEMP TABLE seed_ns (cluster_id uuid, e int, k int, covered boolean)`);
    await insert(pg, 'seed_ns', [['cluster_id', 'uuid'], ['e', 'int'], ['k', 'int'], ['covered', 'boolean']], nsEpochRows);
    await q(`CREATE TEMP TABLE seed_tmpl (k int, covered boolean, name text, excluded boolean, pods int, workloads int, ingress_isolated_pods int, egress_isolated_pods int,
      ingress_isolated_workloads int, egress_isolated_workloads int, default_deny_ingress boolean, default_deny_egress boolean, effectively_isolated_ingress boolean,
      effectively_isolated_egress boolean, policies int, detail jsonb)`);
    const tmplCols = ['excluded', 'pods', 'workloads', 'ingress_isolated_pods', 'egress_isolated_pods', 'ingress_isolated_workloads', 'egress_isolated_workloads', 'default_deny_ingress', 'default_deny_egress', 'effectively_isolated_ingress', 'effectively_isolated_egress', 'policies'] as const;
    const tmplTypes: Record<string, string> = { excluded: 'boolean', default_deny_ingress: 'boolean', default_deny_egress: 'boolean', effectively_isolated_ingress: 'boolean', effectively_isolated_egress: 'boolean' };
    await insert(
      pg,
      'seed_tmpl',
      [['k', 'int'], ['covered', 'boolean'], ['name', 'text'], ...tmplCols.map((c) => [c, tmplTypes[c] ?? 'int'] as [string, string]), ['detail', 'jsonb']],
      (['before', 'after'] as const).flatMap((phase) => tmpl.map((t) => [t.k, phase === 'after', t.name, ...tmplCols.map((c) => flat[phase][t.k][c]), JSON.stringify(flat[phase][t.k].detail)])),
    );
    // Daily at 02:00 UTC plus a few minutes per cluster; the last one this morning.
    const lastDay = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + 2 * 3_600_000);
    await q(
      `CREATE TEMP TABLE seed_snap AS
       SELECT gen_random_uuid() AS id, c.id AS cluster_id, d, (d * ${EPOCHS} / ${opts.days})::int AS e,
              $1::timestamptz - make_interval(days => ${opts.days - 1} - d) + make_interval(mins => (c.rn * 3)::int) AS started_at
       FROM (SELECT id, row_number() OVER (ORDER BY name) - 1 AS rn FROM cluster) c, generate_series(0, ${opts.days - 1}) d`,
      [lastDay],
    );
    await q(
      `INSERT INTO snapshot (id, cluster_id, status, trigger, started_at, finished_at, heartbeat_at, problems, progress, kubernetes_version, network_profile, policy_engine,
         node_pools, services, counts, posture, policy_set_hash, namespace_set_hash, workload_set_hash, finding_set_hash)
       SELECT s.id, s.cluster_id, 'succeeded', 'schedule', s.started_at, s.started_at + interval '41 seconds', s.started_at + interval '40 seconds', '[]',
         jsonb_build_object('phase', 'done', 'counts', x.counts), $1, x.network_profile, x.policy_engine, $2::jsonb, $3::jsonb, x.counts, x.posture,
         x.policy_set_hash, x.namespace_set_hash, x.workload_set_hash, x.finding_set_hash
       FROM seed_snap s JOIN seed_epoch x ON x.cluster_id = s.cluster_id AND x.e = s.e ORDER BY s.started_at`,
      [snapAfter.kubernetes_version, JSON.stringify(snapAfter.node_pools), JSON.stringify(snapAfter.services)],
    );
    // Posture sets, as the writer stores them: one per cluster and epoch (unchanged snapshots
    // share it), read through the namespace_posture view.
    await q(`CREATE TEMP TABLE seed_pset AS SELECT cluster_id, e, encode(sha256(convert_to('seed:' || cluster_id::text || ':' || e, 'UTF8')), 'hex') AS hash FROM seed_epoch`);
    await q(`INSERT INTO posture_set (hash, size) SELECT p.hash, (SELECT count(*) FROM seed_ns n WHERE n.cluster_id = p.cluster_id AND n.e = p.e) FROM seed_pset p`);
    await q(
      `INSERT INTO posture_set_entry (set_hash, namespace, ${tmplCols.join(', ')}, detail)
       SELECT p.hash, t.name, ${tmplCols.map((c) => `t.${c}`).join(', ')}, t.detail
       FROM seed_pset p JOIN seed_ns n ON n.cluster_id = p.cluster_id AND n.e = p.e JOIN seed_tmpl t ON t.k = n.k AND t.covered = n.covered`,
    );
    await q(`UPDATE snapshot x SET posture_set_hash = p.hash FROM seed_snap s JOIN seed_pset p ON p.cluster_id = s.cluster_id AND p.e = s.e WHERE x.id = s.id`);
    await q('VACUUM (ANALYZE)');
    const rows: Record<string, number> = {};
    for (const table of ['cluster', 'snapshot', 'namespace_posture', 'posture_set_entry', 'policy_object', 'policy_set_member', 'workload_object', 'finding_object', 'finding_set_member', 'namespace_set_member']) {
      rows[table] = Number((await q(`SELECT count(*) AS n FROM ${table}`))[0].n);
    }
    const [{ avg }] = await q(`SELECT avg(pg_column_size(detail))::int AS avg FROM (SELECT detail FROM posture_set_entry LIMIT 2000) d`);
    rows['namespace_posture.detail avg stored bytes'] = avg;
    return { clusterIds, namespaces: tmpl.map((t) => t.name), appNamespaces: tmpl.filter((t) => appNames.includes(t.src)).map((t) => t.name), seedMs: performance.now() - t0, rows };
  } finally {
    await pg.end();
  }
}
