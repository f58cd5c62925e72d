// Deleted clusters vanish from GET /api/clusters but keep their history until purged; the audit
// log is where they are still named. A cluster deleted and not purged since is "history kept".
import type { AuditEntry } from '@kordon/contracts';
import { apiClient } from '../../../lib/api-client';

export interface DeletedCluster {
  id: string;
  name: string;
  deletedAt: string;
  deletedBy: string;
  purgedAt: string | null;
}

function nameOf(e: AuditEntry): string {
  const n = (e.details as { name?: unknown } | null)?.name;
  return typeof n === 'string' ? n.replace(/~deleted~\d+$/, '') : (e.target ?? '?');
}

export function deletedFrom(deletes: AuditEntry[], purges: AuditEntry[]): DeletedCluster[] {
  const purged = new Map(purges.filter((p) => p.target).map((p) => [p.target!, p.at]));
  const seen = new Set<string>();
  const out: DeletedCluster[] = [];
  for (const d of deletes) {
    if (!d.target || seen.has(d.target)) continue;
    seen.add(d.target);
    out.push({ id: d.target, name: nameOf(d), deletedAt: d.at, deletedBy: d.actor, purgedAt: purged.get(d.target) ?? null });
  }
  return out;
}

/** The clusters deleted lately (the newest 200 deletions), with whether each was purged since. */
export async function recentlyDeleted(): Promise<DeletedCluster[]> {
  const [deletes, purges] = await Promise.all([
    apiClient.get<{ items: AuditEntry[] }>('/audit', { action: 'cluster.delete', limit: 200 }),
    apiClient.get<{ items: AuditEntry[] }>('/audit', { action: 'cluster.purge', limit: 500 }),
  ]);
  return deletedFrom(deletes.items, purges.items);
}

/** What the audit log says about one cluster id that the API no longer lists. */
export async function deletedCluster(id: string): Promise<DeletedCluster | null> {
  const entries = await apiClient.get<{ items: AuditEntry[] }>('/audit', { target: id, action: 'cluster.', limit: 50 });
  const deletes = entries.items.filter((e) => e.action === 'cluster.delete');
  const purges = entries.items.filter((e) => e.action === 'cluster.purge');
  if (!deletes.length && purges.length) {
    return { id, name: nameOf(purges[0]!), deletedAt: purges[0]!.at, deletedBy: purges[0]!.actor, purgedAt: purges[0]!.at };
  }
  return deletedFrom(deletes, purges)[0] ?? null;
}
