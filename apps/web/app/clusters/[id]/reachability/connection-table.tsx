// A list of connections with the policies that allow each: egress at the source, ingress at
// the destination ("no policy selects it: allowed by default" when that side is not isolated).
import type { ExplainedConnection, ReachabilityPolicyRef, ReachabilitySideAllowance } from '@kordon/contracts';
import Link from 'next/link';
import { withAt } from '../../../../lib/as-of';

/** A policy named in an explanation: a link to its page when it lives in a namespace. */
function PolicyLink({ p, clusterId, at }: { p: ReachabilityPolicyRef; clusterId: string; at: string | null }) {
  const label = p.kind === 'NetworkPolicy' ? `${p.namespace}/${p.name}` : p.namespace === null ? `${p.kind} ${p.name}` : `${p.kind} ${p.namespace}/${p.name}`;
  if (p.namespace === null) return <span className="policy-name">{label}</span>;
  return (
    <Link
      href={withAt(`/clusters/${clusterId}/namespaces/${encodeURIComponent(p.namespace)}/policies/${encodeURIComponent(p.name)}?kind=${encodeURIComponent(p.kind)}`, at)}
      prefetch={false}
      className="policy-name"
    >
      {label}
    </Link>
  );
}

const policyKey = (p: ReachabilityPolicyRef) => `${p.kind}/${p.namespace ?? ''}/${p.name}`;

function Side({ side, dir, clusterId, at }: { side: ReachabilitySideAllowance; dir: 'egress' | 'ingress'; clusterId: string; at: string | null }) {
  if (side.peer === null) return <li className="muted">external address: not governed by policies</li>;
  return (
    <>
      {side.policies.map((p) => {
        const l7 = (side.l7 ?? []).find((x) => policyKey(x.policy) === policyKey(p));
        return (
          <li key={policyKey(p)} data-testid={`allowed-${dir}`}>
            <span aria-hidden>✓</span> {dir} allowed by <PolicyLink p={p} clusterId={clusterId} at={at} />
            {l7 ? <span className="muted"> with L7 rules ({l7.rules.join(', ')}): requests are filtered further, not evaluated</span> : null}
          </li>
        );
      })}
      {side.defaultAllow ? (
        <li data-testid={`default-${dir}`}>
          <span aria-hidden>○</span> {dir}: no policy isolates {side.peer} for {dir}: allowed by default
        </li>
      ) : null}
      {(side.deniedBy ?? []).map((p) => (
        <li key={`deny-${policyKey(p)}`} data-testid={`denied-${dir}`}>
          <span aria-hidden>✗</span> {dir}: deny rules of <PolicyLink p={p} clusterId={clusterId} at={at} /> cut ports off this connection
        </li>
      ))}
      {side.notEvaluated.length > 0 ? (
        <li className="muted">
          <span aria-hidden>?</span> {dir} not evaluated: {side.notEvaluated.map((n) => (n === 'hostNetwork' ? 'hostNetwork pods (not enforced: shown as open)' : /^[A-Za-z]+\/[^ ]+$/.test(n) ? `${n} (not evaluated: shown as open)` : n)).join('; ')}
        </li>
      ) : null}
    </>
  );
}

function Peer({ id, clusterId, at }: { id: string; clusterId: string; at: string | null }) {
  if (!id.includes('/')) return <span className="mono">{id}</span>;
  return (
    <Link href={withAt(`/clusters/${clusterId}/reachability?workload=${encodeURIComponent(id)}`, at)} prefetch={false} className="mono">
      {id}
    </Link>
  );
}

export function ConnectionTable({
  connections,
  clusterId,
  at,
  label,
  empty,
}: {
  connections: ExplainedConnection[];
  clusterId: string;
  at: string | null;
  label: string;
  empty: string;
}) {
  if (connections.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="table-wrap">
      <table className="conn-list" aria-label={label} data-testid="connections">
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Allowed traffic</th>
            <th scope="col">Allowed by</th>
          </tr>
        </thead>
        <tbody>
          {connections.map((c) => (
            <tr key={`${c.src}→${c.dst}`} data-src={c.src} data-dst={c.dst}>
              <td>
                <Peer id={c.src} clusterId={clusterId} at={at} />
              </td>
              <td>
                <Peer id={c.dst} clusterId={clusterId} at={at} />
              </td>
              <td className="mono conn">{c.conn}</td>
              <td>
                <ul className="allowed-by">
                  <Side side={c.allowedBy.egress} dir="egress" clusterId={clusterId} at={at} />
                  <Side side={c.allowedBy.ingress} dir="ingress" clusterId={clusterId} at={at} />
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
