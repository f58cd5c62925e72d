'use client';
// The namespace history chart, sent to the browser as columns (one array per series) instead of
// one object per day: a year of daily points is ~9 KB in the page's RSC payload this way, against
// ~28 KB as `{t, ingress, egress, ddIngress, ddEgress}` objects, and the chart draws only in the
// browser anyway (its text summary is still rendered on the server).
import { useMemo } from 'react';
import { TrendChart, type TrendPoint, type TrendSeries } from '../../../../../components/charts/trend-chart';

export interface TrendColumns {
  /** Day of each point, `YYYY-MM-DD`. */
  t: string[];
  /** Per series key, one value per point (percent 0..100, null: unknown). */
  values: Record<string, (number | null)[]>;
}

export function NamespaceTrend({ title, columns, series }: { title: string; columns: TrendColumns; series: TrendSeries[] }) {
  const data = useMemo(
    () =>
      columns.t.map((t, i) => {
        const point: TrendPoint = { t };
        for (const [key, values] of Object.entries(columns.values)) point[key] = values[i] ?? null;
        return point;
      }),
    [columns],
  );
  return <TrendChart title={title} data={data} series={series} />;
}
