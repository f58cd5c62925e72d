'use client';
// A time-series line chart (Recharts) for coverage and default-deny shares, 0..100 %. Each series
// is drawn with its own dash pattern as well as colour (colour is never the only signal), and the
// chart carries a text summary for screen readers.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface TrendSeries {
  key: string;
  label: string;
  color?: string;
  /** Recharts strokeDasharray, e.g. '6 3'. */
  dash?: string;
  /** `step` (default): a snapshot's state holds until the next one; `smooth` for trends. */
  curve?: 'step' | 'smooth';
}

export type TrendPoint = { t: string } & Record<string, number | null | string>;

const PALETTE = ['#1d4f7a', '#1f7a4d', '#9a5b00', '#5b3fa0', '#b42318', '#0f7c8c', '#6b7280', '#a3136a'];
const DASHES = ['', '6 3', '2 3', '10 4 2 4', '1 2', '8 2 2 2', '4 4', '12 3'];

function pct(v: unknown): string {
  return typeof v === 'number' ? `${Math.round(v * 10) / 10} %` : '—';
}

export function TrendChart({
  data,
  series,
  height = 260,
  title,
  yMax = 100,
}: {
  /** One point per bucket; values are percentages 0..100 (null: unknown). */
  data: TrendPoint[];
  series: TrendSeries[];
  height?: number;
  title: string;
  yMax?: number;
}) {
  const last = data[data.length - 1];
  const summary = last
    ? `${title}: ${series.map((s) => `${s.label} ${pct(last[s.key])}`).join(', ')} on ${String(last.t).slice(0, 10)}`
    : `${title}: no data`;
  return (
    <figure className="trend-chart" aria-label={summary}>
      <figcaption className="sr-only">{summary}</figcaption>
      {data.length === 0 ? (
        <p className="muted">No snapshots in this range yet.</p>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#e5e9ef" vertical={false} />
            <XAxis dataKey="t" tickFormatter={(v: string) => String(v).slice(5, 10)} minTickGap={24} fontSize={12} />
            <YAxis domain={[0, yMax]} tickFormatter={(v: number) => `${v}%`} width={44} fontSize={12} />
            <Tooltip formatter={(v) => pct(v)} labelFormatter={(l) => String(l).slice(0, 10)} />
            <Legend />
            {series.map((s, i) => (
              <Line
                key={s.key}
                type={s.curve === 'smooth' ? 'monotone' : 'stepAfter'}
                dataKey={s.key}
                name={s.label}
                stroke={s.color ?? PALETTE[i % PALETTE.length]}
                strokeDasharray={s.dash ?? DASHES[i % DASHES.length]}
                strokeWidth={2}
                dot={false}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

/** A tiny line without axes, for a table cell (e.g. 90 days of coverage). */
export function Sparkline({ values, label, width = 110, height = 28 }: { values: (number | null)[]; label: string; width?: number; height?: number }) {
  const data = values.map((v, i) => ({ i, v }));
  return (
    <span className="sparkline" role="img" aria-label={label} title={label}>
      <LineChart width={width} height={height} data={data} margin={{ top: 2, right: 2, bottom: 2, left: 2 }}>
        <YAxis hide domain={[0, 100]} />
        <Line type="monotone" dataKey="v" stroke="#1d4f7a" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
      </LineChart>
    </span>
  );
}
