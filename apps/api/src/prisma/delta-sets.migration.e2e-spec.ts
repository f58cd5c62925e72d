// The delta_content_sets migration on a database that already holds history: rows written under
// the previous schema (per-snapshot namespace_posture rows, X_set_member tables) must read back
// identically through the views that replace them, with identical posture deduplicated into one
// set and nothing lost. Migrations are applied from a copy of the folder cut before it, data is
// inserted as the old writer stored it, then the rest is applied.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, runDatabasePrefix, withDatabase } from '../../test/database';
import { applyMigrations, MIGRATIONS_DIR } from './migrator';

const CUT = '20261207030000_delta_content_sets';
const POSTURE_COLUMNS = `snapshot_id, cluster_id, taken_at, namespace, excluded, pods, workloads, ingress_isolated_pods, egress_isolated_pods,
  ingress_isolated_workloads, egress_isolated_workloads, default_deny_ingress, default_deny_egress, effectively_isolated_ingress,
  effectively_isolated_egress, policies, detail`;
const h = (c: string) => c.repeat(64);

describe(`migration ${CUT} on a database with history`, () => {
  const template = process.env.KORDON_TEST_TEMPLATE_URL!;
  const server = process.env.KORDON_TEST_SERVER_URL ?? template;
  const name = `${runDatabasePrefix(template)}migdata_${Date.now()}`;
  const before = mkdtempSync(join(tmpdir(), 'kordon-migrations-'));
  let pg: Client;
  const snaps = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
  const cluster = '00000000-0000-4000-8000-0000000000c1';
  let oldPosture: Record<string, unknown>[];
  let oldPolicyMembers: Record<string, unknown>[];

  beforeAll(async () => {
    for (const d of readdirSync(MIGRATIONS_DIR, { withFileTypes: true })) {
      if (d.isDirectory() && d.name < CUT) cpSync(join(MIGRATIONS_DIR, d.name), join(before, d.name), { recursive: true });
    }
    await adminQuery(server, `CREATE DATABASE "${name}"`);
    const url = withDatabase(template, name);
    await applyMigrations(url, before);
    pg = new Client({ connectionString: url });
    await pg.connect();
    // As the previous writer stored them: a cluster, three snapshots (the first two with the same
    // posture, the third with payments protected and a namespace gone), posture rows per snapshot,
    // and a policy set shared by all three.
    await pg.query(`INSERT INTO cluster (id, name, source, source_config, updated_at) VALUES ($1, 'old-cluster', 'manifests', '{"paths":[]}', now())`, [cluster]);
    await pg.query(`INSERT INTO policy_object (hash, api_version, kind, namespace, name, body) VALUES
      ($1, 'networking.k8s.io/v1', 'NetworkPolicy', 'payments', 'deny', '{"kind":"NetworkPolicy"}'),
      ($2, 'networking.k8s.io/v1', 'NetworkPolicy', 'shop', 'allow-web', '{"kind":"NetworkPolicy"}')`, [h('a'), h('b')]);
    await pg.query(`INSERT INTO policy_set (hash, size) VALUES ($1, 2)`, [h('p')]);
    await pg.query(`INSERT INTO policy_set_member (set_hash, policy_hash) VALUES ($1, $2), ($1, $3)`, [h('p'), h('a'), h('b')]);
    for (const [i, id] of snaps.entries()) {
      await pg.query(
        `INSERT INTO snapshot (id, cluster_id, status, trigger, started_at, finished_at, problems, policy_set_hash)
         VALUES ($1, $2, 'succeeded', 'schedule', now() - make_interval(hours => $3), now() - make_interval(hours => $3), '[]', $4)`,
        [id, cluster, 3 - i, h('p')],
      );
      const rows: [string, boolean, number, Record<string, unknown>][] = [
        ['payments', i === 2, 4, { pods: 4, note: 'p' }],
        ['shop', false, 7, { pods: 7 }],
        ...(i < 2 ? ([['legacy', false, 1, { pods: 1 }]] as [string, boolean, number, Record<string, unknown>][]) : []),
      ];
      for (const [ns, dd, pods, detail] of rows) {
        await pg.query(
          `INSERT INTO namespace_posture (${POSTURE_COLUMNS})
           SELECT id, cluster_id, started_at, $2, false, $3, 1, ${dd ? '$3' : '0'}, 0, ${dd ? 1 : 0}, 0, $4, false, $4, false, ${dd ? 1 : 0}, $5::jsonb FROM snapshot WHERE id = $1`,
          [id, ns, pods, dd, JSON.stringify(detail)],
        );
      }
    }
    oldPosture = (await pg.query(`SELECT ${POSTURE_COLUMNS} FROM namespace_posture ORDER BY snapshot_id, namespace`)).rows;
    oldPolicyMembers = (await pg.query(`SELECT set_hash, policy_hash FROM policy_set_member ORDER BY 1, 2`)).rows;
    const all = await applyMigrations(url);
    expect(all.applied[0]).toBe(CUT);
  }, 120_000);

  afterAll(async () => {
    await pg?.end();
    await adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    rmSync(before, { recursive: true, force: true });
  });

  it('reads every posture row back through the namespace_posture view, exactly', async () => {
    const now = (await pg.query(`SELECT ${POSTURE_COLUMNS} FROM namespace_posture ORDER BY snapshot_id, namespace`)).rows;
    expect(oldPosture).toHaveLength(8);
    expect(now).toEqual(oldPosture);
  });

  it('stores identical posture once: two sets for three snapshots, each a full set', async () => {
    const sets = (await pg.query(`SELECT s.hash, s.size, s.base_hash, (SELECT count(*)::int FROM posture_set_entry e WHERE e.set_hash = s.hash) AS entries FROM posture_set s ORDER BY size`)).rows;
    expect(sets.map((s) => [s.size, s.entries, s.base_hash])).toEqual([[2, 2, null], [3, 3, null]]);
    const bySnap = (await pg.query(`SELECT id, posture_set_hash FROM snapshot ORDER BY id`)).rows;
    expect(bySnap[0].posture_set_hash).toBe(bySnap[1].posture_set_hash);
    expect(bySnap[2].posture_set_hash).not.toBe(bySnap[0].posture_set_hash);
    expect(bySnap.every((s) => s.posture_set_hash)).toBe(true);
  });

  it('keeps set members readable through the views, and the old tables renamed to entries', async () => {
    expect((await pg.query(`SELECT set_hash, policy_hash FROM policy_set_member ORDER BY 1, 2`)).rows).toEqual(oldPolicyMembers);
    const kinds = (await pg.query(`SELECT table_name, table_type FROM information_schema.tables WHERE table_name IN ('namespace_posture', 'policy_set_member', 'policy_set_entry', 'posture_set_entry') ORDER BY 1`)).rows;
    expect(kinds).toEqual([
      { table_name: 'namespace_posture', table_type: 'VIEW' },
      { table_name: 'policy_set_entry', table_type: 'BASE TABLE' },
      { table_name: 'policy_set_member', table_type: 'VIEW' },
      { table_name: 'posture_set_entry', table_type: 'BASE TABLE' },
    ]);
    expect((await pg.query(`SELECT count(*)::int AS n FROM policy_set_entry WHERE removed`)).rows[0].n).toBe(0);
  });
});
