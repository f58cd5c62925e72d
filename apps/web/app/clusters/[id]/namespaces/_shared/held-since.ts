// "Default-deny held since <date>": read from the namespace's history (one point per daily
// bucket, the last snapshot taken in it), so it is as fine-grained as the snapshots are. Pure.
import type { NamespaceHistoryPoint, TimeInStateDirection } from '@kordon/contracts';

export type HeldSince =
  /** `since`: first snapshot of the current unbroken run; `sinceAtLeast`: the run starts at the range's first point. */
  | { state: 'held'; since: string; snapshotId: string; sinceAtLeast: boolean; snapshots: number }
  /** The baseline existed in the range and was lost on `lostOn` (first snapshot without it). */
  | { state: 'lost'; lostOn: string; snapshotId: string; heldFrom: string | null }
  | { state: 'never'; snapshots: number; from: string | null };

export function heldSince(points: readonly NamespaceHistoryPoint[], direction: 'ingress' | 'egress'): HeldSince {
  const sorted = [...points].sort((a, b) => (a.takenAt < b.takenAt ? -1 : a.takenAt > b.takenAt ? 1 : 0));
  if (sorted.length === 0) return { state: 'never', snapshots: 0, from: null };
  const has = (p: NamespaceHistoryPoint) => p[direction].defaultDeny;
  const last = sorted.length - 1;
  if (has(sorted[last]!)) {
    let i = last;
    while (i > 0 && has(sorted[i - 1]!)) i--;
    return { state: 'held', since: sorted[i]!.takenAt, snapshotId: sorted[i]!.snapshotId, sinceAtLeast: i === 0, snapshots: last - i + 1 };
  }
  let j = last;
  while (j >= 0 && !has(sorted[j]!)) j--;
  if (j < 0) return { state: 'never', snapshots: sorted.length, from: sorted[0]!.takenAt };
  let start = j;
  while (start > 0 && has(sorted[start - 1]!)) start--;
  return { state: 'lost', lostOn: sorted[j + 1]!.takenAt, snapshotId: sorted[j + 1]!.snapshotId, heldFrom: sorted[start]!.takenAt };
}

/** Plain-words line for a direction, as the page shows it. */
export function heldSinceText(h: HeldSince, direction: 'ingress' | 'egress'): string {
  const day = (iso: string) => iso.slice(0, 10);
  switch (h.state) {
    case 'held':
      return `Default-deny ${direction} held since ${h.sinceAtLeast ? 'at least ' : ''}${day(h.since)}`;
    case 'lost':
      return `Default-deny ${direction} lost on ${day(h.lostOn)}${h.heldFrom ? ` (held from ${day(h.heldFrom)})` : ''}`;
    case 'never':
      return h.snapshots === 0 ? `No history for default-deny ${direction} yet` : `Never had default-deny ${direction} (since ${day(h.from!)})`;
  }
}

/**
 * "Held since" with the time-in-state API's interval semantics: the protected run must reach the
 * end of the range with no failed snapshot or gap longer than the schedule inside it (those are
 * "unknown", which breaks the run). Without a protected run the history's lost/never reading stands.
 */
export function heldSinceFromTimeInState(dir: TimeInStateDirection, rangeFrom: string, fromHistory: HeldSince): HeldSince {
  if (!dir.protectedSince) return fromHistory.state === 'held' ? { state: 'lost', lostOn: lastUnprotected(dir) ?? fromHistory.since, snapshotId: fromHistory.snapshotId, heldFrom: null } : fromHistory;
  const since = dir.protectedSince;
  const run = (dir.intervals ?? []).filter((i) => i.state === 'protected' && i.from >= since);
  const ids = [...new Set(run.flatMap((i) => i.snapshotIds))];
  return { state: 'held', since, snapshotId: ids[0] ?? (fromHistory.state === 'held' ? fromHistory.snapshotId : ''), sinceAtLeast: since <= rangeFrom, snapshots: ids.length };
}

/** Where the latest non-protected interval ends (the run the history saw was broken by a gap or a failure). */
function lastUnprotected(dir: TimeInStateDirection): string | null {
  const bad = (dir.intervals ?? []).filter((i) => i.state !== 'protected');
  return bad.length ? bad[bad.length - 1]!.from : null;
}
