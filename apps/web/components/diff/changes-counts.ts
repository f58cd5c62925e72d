// The numeric counts of one "what changed" entry (a cluster's, or the fleet's per cluster),
// wherever the API nests them; shared by the changes panels and their browser test.
import type { ClusterChanges } from '@kordon/contracts';

/** Fields of an entry that are numbers but not change counts. */
const NOT_COUNTS = new Set(['scheduleMinutes', 'snapshotsCompared']);

export function countsOf(entry: Pick<ClusterChanges, 'counts'>): [string, number][] {
  return Object.entries(entry.counts ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number' && !NOT_COUNTS.has(e[0]));
}
