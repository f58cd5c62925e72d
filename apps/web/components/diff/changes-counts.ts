// The numeric counts of one "what changed" entry (a cluster's, or the fleet's per cluster),
// wherever the API nests them; shared by the changes panels and their browser test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire shape read defensively
type Any = any;

/** Fields of an entry that are numbers but not change counts. */
const NOT_COUNTS = new Set(['scheduleMinutes', 'snapshotsCompared']);

export function countsOf(entry: Any): [string, number][] {
  const src = entry?.counts ?? entry?.summary ?? entry;
  return Object.entries(src ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number' && !NOT_COUNTS.has(e[0]));
}
