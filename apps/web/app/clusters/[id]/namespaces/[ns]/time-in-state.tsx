'use client';
// "Time in state" on the namespace page: a range (presets or custom days, in the URL through
// nuqs), and per direction since when default-deny has held without interruption, the share of
// the range it held, whether it held throughout, a timeline strip of protected / unprotected /
// unknown / absent time (patterns and words, not colour alone) and the snapshots proving it,
// each linked to its evidence. Read from the API after first content, like the cluster history.
import type { NamespaceTimeInState, TimeInStateDirection, TimeInStateState } from '@kordon/contracts';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { parseAsString, useQueryStates } from 'nuqs';
import { browserApi } from '../../../../../lib/browser-api';
import { formatTimestamp } from '../../../../../lib/format';
import { DEFAULT_TIS_PRESET, formatShare, isTisPreset, TIS_PRESETS, tisRange } from './time-in-state-range';
import './time-in-state.css';

const STATE_LABEL: Record<TimeInStateState, string> = {
  protected: 'protected (default-deny)',
  unprotected: 'not protected',
  unknown: 'unknown (no snapshot vouches)',
  absent: 'namespace absent',
};
const STATE_GLYPH: Record<TimeInStateState, string> = { protected: '✓', unprotected: '✗', unknown: '?', absent: '∅' };
const PROVING_SHOWN = 200;

const tisParams = {
  tis: parseAsString,
  tisFrom: parseAsString,
  tisTo: parseAsString,
};

const day = (iso: string) => iso.slice(0, 10);

function evidenceHref(clusterId: string, startedAt: string): string {
  return `/evidence?cluster=${encodeURIComponent(clusterId)}&at=${encodeURIComponent(startedAt)}`;
}

function heldSinceLine(d: 'ingress' | 'egress', r: TimeInStateDirection): string {
  return r.protectedSince ? `Default-deny ${d} held since ${day(r.protectedSince)}` : `Default-deny ${d} not held at the end of the range`;
}

function Strip({ d, r, from, to }: { d: string; r: TimeInStateDirection; from: string; to: string }) {
  const start = Date.parse(from);
  const span = Math.max(1, Date.parse(to) - start);
  const intervals = r.intervals ?? [];
  return (
    <div className="tis-strip" role="img" aria-label={`Timeline of default-deny ${d}: ${intervals.map((i) => `${STATE_LABEL[i.state]} ${formatTimestamp(i.from)} to ${formatTimestamp(i.to)}`).join('; ') || 'no time measured'}`}>
      {intervals.map((i) => {
        const w = ((Date.parse(i.to) - Date.parse(i.from)) / span) * 100;
        return (
          <span
            key={i.from}
            className={`tis-seg tis-${i.state}`}
            style={{ width: `${w}%` }}
            title={`${STATE_LABEL[i.state]}: ${formatTimestamp(i.from)} → ${formatTimestamp(i.to)}`}
            data-state={i.state}
          >
            {w > 3 ? <span aria-hidden>{STATE_GLYPH[i.state]}</span> : null}
          </span>
        );
      })}
    </div>
  );
}

function Direction({ d, r, data, clusterId }: { d: 'ingress' | 'egress'; r: TimeInStateDirection; data: NamespaceTimeInState; clusterId: string }) {
  const proving = r.provingSnapshots ?? [];
  const intervals = r.intervals ?? [];
  return (
    <div className="ns-card tis-card" data-testid={`tis-${d}`}>
      <h3>{d}</h3>
      <p className={`held ${r.protectedSince ? 'held-good' : 'held-bad'}`} data-testid={`tis-held-${d}`}>
        <span aria-hidden>{r.protectedSince ? '✓ ' : '✗ '}</span>
        {heldSinceLine(d, r)}
      </p>
      <p className="held">
        Protected <strong data-testid={`tis-share-${d}`}>{formatShare(r.share)}</strong> of the range · held throughout:{' '}
        <strong data-testid={`tis-throughout-${d}`}>{r.heldThroughout ? 'yes' : 'no'}</strong>
      </p>
      <Strip d={d} r={r} from={data.from} to={data.measuredTo} />
      <details className="tis-details">
        <summary>Intervals ({intervals.length})</summary>
        <table className="tis-intervals">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">State</th>
              <th scope="col">Snapshots</th>
            </tr>
          </thead>
          <tbody>
            {intervals.map((i) => (
              <tr key={i.from} data-state={i.state}>
                <td>{formatTimestamp(i.from)}</td>
                <td>{formatTimestamp(i.to)}</td>
                <td>
                  <span aria-hidden>{STATE_GLYPH[i.state]} </span>
                  {STATE_LABEL[i.state]}
                </td>
                <td className="num">{i.snapshotIds.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details className="tis-details" data-testid={`tis-proving-${d}`}>
        <summary>Proving snapshots ({proving.length})</summary>
        <ol className="tis-proving">
          {proving.slice(0, PROVING_SHOWN).map((s) => (
            <li key={s.id}>
              <Link href={evidenceHref(clusterId, s.startedAt)} data-snapshot={s.id}>
                {formatTimestamp(s.startedAt)}
              </Link>{' '}
              <span className="mono muted">{s.id.slice(0, 8)}</span>
            </li>
          ))}
        </ol>
        {proving.length > PROVING_SHOWN ? (
          <p className="muted">
            The first {PROVING_SHOWN} of {proving.length}; the API lists all of them.
          </p>
        ) : null}
      </details>
    </div>
  );
}

export function TimeInStatePanel({ clusterId, ns, at }: { clusterId: string; ns: string; at: string | null }) {
  const [p, setP] = useQueryStates(tisParams, { history: 'replace', scroll: false });
  const preset = isTisPreset(p.tis) ? p.tis : DEFAULT_TIS_PRESET;
  const range = tisRange(preset, { from: p.tisFrom, to: p.tisTo }, at ? new Date(at) : new Date());
  const ok = 'from' in range;
  const q = useQuery({
    queryKey: ['time-in-state', clusterId, ns, ok ? range.from : null, ok ? range.to : null],
    queryFn: () =>
      browserApi<NamespaceTimeInState>(
        `/clusters/${encodeURIComponent(clusterId)}/namespaces/${encodeURIComponent(ns)}/time-in-state?${new URLSearchParams(ok ? { from: range.from, to: range.to } : {}).toString()}`,
      ),
    enabled: ok,
    staleTime: 60_000,
    placeholderData: (prev) => prev,
  });
  const data = q.data;
  return (
    <div className="tis-panel" data-testid="time-in-state" data-from={ok ? range.from : ''} data-to={ok ? range.to : ''}>
      <div className="range-picker" role="group" aria-label="Time in state range">
        {TIS_PRESETS.map((x) => (
          <button
            key={x.value}
            type="button"
            className={`button ${x.value === preset ? 'button-primary' : ''}`}
            aria-pressed={x.value === preset}
            onClick={() => void setP({ tis: x.value === DEFAULT_TIS_PRESET ? null : x.value })}
          >
            {x.label}
          </button>
        ))}
        {preset === 'custom' ? (
          <>
            <label htmlFor="tis-from">From</label>
            <input id="tis-from" type="date" value={p.tisFrom ?? ''} onChange={(e) => void setP({ tisFrom: e.target.value || null })} />
            <label htmlFor="tis-to">To</label>
            <input id="tis-to" type="date" value={p.tisTo ?? ''} onChange={(e) => void setP({ tisTo: e.target.value || null })} />
          </>
        ) : null}
        {q.isFetching ? (
          <span className="muted" role="status">
            loading…
          </span>
        ) : null}
      </div>
      {!ok ? (
        <p className="muted" role="status">
          Custom range: {range.problem}.
        </p>
      ) : q.isError ? (
        <p className="notice notice-bad" role="alert">
          Could not read the time in state: {q.error.message}
        </p>
      ) : !data ? (
        <p className="muted" role="status">
          Reading the time in state…
        </p>
      ) : (
        <>
          <p className="lead" data-testid="tis-range">
            {range.label}: {formatTimestamp(data.from)} to {formatTimestamp(data.measuredTo)}
            {data.measuredTo !== data.to ? ' (now; the rest of the range is still to come)' : ''}.
          </p>
          <div className="ns-facts">
            <Direction d="ingress" r={data.ingress} data={data} clusterId={clusterId} />
            <Direction d="egress" r={data.egress} data={data} clusterId={clusterId} />
          </div>
          <ul className="tis-legend" aria-label="Timeline legend">
            {(Object.keys(STATE_LABEL) as TimeInStateState[]).map((s) => (
              <li key={s}>
                <span className={`tis-swatch tis-${s}`} aria-hidden>
                  {STATE_GLYPH[s]}
                </span>{' '}
                {STATE_LABEL[s]}
              </li>
            ))}
          </ul>
          <p className="held-note">
            A snapshot vouches for the namespace from its start until the next snapshot, at most its schedule plus {data.scheduleSlackMinutes} minutes (the schedule in force
            when it was taken, now {data.scheduleMinutes} min, and a slack for the scheduler). Longer gaps, time after a failed snapshot and time before the first one count as unknown, never as protected.
          </p>
        </>
      )}
    </div>
  );
}
