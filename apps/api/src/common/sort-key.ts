// Keyset order for lists sorted in memory (posture namespaces, the cluster list by a computed
// value): by value in the asked direction, rows without a value last either way, ties by name in
// the same direction, so the order is total and a cursor (the last row's key) is stable.
export type SortKey = [string | number | null, string];

export function compareSortKeys(a: SortKey, b: SortKey, desc: boolean): number {
  if (a[0] !== b[0]) {
    if (a[0] === null) return 1;
    if (b[0] === null) return -1;
    const c = a[0] < b[0] ? -1 : 1;
    return desc ? -c : c;
  }
  if (a[1] === b[1]) return 0;
  const c = a[1] < b[1] ? -1 : 1;
  return desc ? -c : c;
}
