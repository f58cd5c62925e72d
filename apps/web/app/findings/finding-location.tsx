// Where a finding is: its cluster, its namespace, and the policy page when its subject is a policy.
import type { FleetFindingItem } from '@kordon/contracts';
import Link from 'next/link';
import { withAt } from '../../lib/as-of';

const enc = encodeURIComponent;

export function FindingLocation({ f, at }: { f: FleetFindingItem; at: string | null }) {
  const cluster = `/clusters/${enc(f.cluster.id)}`;
  const ns = f.namespace ?? f.object?.namespace ?? null;
  const isPolicy = !!f.object && /NetworkPolicy$/.test(f.object.kind) && !!f.object.namespace;
  return (
    <span className="finding-where">
      <Link href={withAt(cluster, at)}>{f.cluster.name}</Link>
      {ns ? (
        <>
          {' / '}
          <Link href={withAt(`${cluster}/namespaces/${enc(ns)}`, at)}>{ns}</Link>
        </>
      ) : null}
      {f.object && isPolicy ? (
        <>
          {' / '}
          <Link href={withAt(`${cluster}/namespaces/${enc(f.object.namespace!)}/policies/${enc(f.object.name)}?kind=${enc(f.object.kind)}`, at)}>
            {f.object.kind} {f.object.name}
          </Link>
        </>
      ) : f.object && f.object.kind !== 'Namespace' ? (
        <span className="muted">
          {' / '}
          {f.object.kind} {f.object.name}
        </span>
      ) : null}
    </span>
  );
}
