'use client';
// Namespace × {ingress isolation, egress isolation, default-deny ingress, default-deny egress},
// drawn on canvas (ECharts) from one compact API answer, so it stays usable at 2,000 namespaces:
// 25 rows in view, scroll with the wheel or the slider. Each cell is told by colour, a symbol
// in the cell, a pattern (stripes: none, dots: partly) and words in the tooltip; the legend is
// text. Clicking a row opens the namespace (for roles that may read it).
import type { HeatmapRow, PostureHeatmap } from '@kordon/contracts';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef } from 'react';
import { withAt } from '../../../lib/as-of';
import { browserApi } from '../../../lib/browser-api';
import { DECALS, loadECharts, type ECharts } from './echarts';

const COLUMNS = ['Ingress isolation', 'Egress isolation', 'Default-deny ingress', 'Default-deny egress'];
const VISIBLE = 25;

/** 3 all/yes · 2 partly · 1 none/no · 0 no workloads. */
type State = 0 | 1 | 2 | 3;
const STATE = {
  3: { color: '#1f7a4d', symbol: '✓', word: 'yes' },
  2: { color: '#b7791f', symbol: '◐', word: 'partly' },
  1: { color: '#b42318', symbol: '✗', word: 'no' },
  0: { color: '#c8d0da', symbol: '–', word: 'no workloads' },
} as const;

function isolation(isolated: number, workloads: number): State {
  if (workloads === 0) return 0;
  return isolated === workloads ? 3 : isolated === 0 ? 1 : 2;
}

function describe(r: HeatmapRow, col: number): string {
  const [, , pods, workloads, inIso, outIso, ddIn, ddOut] = r;
  switch (col) {
    case 0:
      return workloads === 0 ? 'no workloads' : `${inIso}/${workloads} workloads isolated for ingress`;
    case 1:
      return workloads === 0 ? 'no workloads' : `${outIso}/${workloads} workloads isolated for egress`;
    case 2:
      return ddIn ? 'default-deny ingress baseline present' : 'no default-deny ingress baseline';
    default:
      return (ddOut ? 'default-deny egress baseline present' : 'no default-deny egress baseline') + ` · ${pods} pods`;
  }
}

export function HeatmapPanel({ clusterId, at, links }: { clusterId: string; at: string | null; links: boolean }) {
  const q = useQuery({
    queryKey: ['posture-heatmap', clusterId, at],
    queryFn: () => browserApi<PostureHeatmap>(`/clusters/${clusterId}/posture/heatmap${at ? `?at=${encodeURIComponent(at)}` : ''}`),
    staleTime: 60_000,
  });
  const rows = q.data?.rows;
  const stats = useMemo(() => {
    if (!rows) return null;
    const counted = rows.filter((r) => r[1] === 0);
    return {
      total: rows.length,
      counted: counted.length,
      inNone: counted.filter((r) => r[3] > 0 && r[4] === 0).length,
      outNone: counted.filter((r) => r[3] > 0 && r[5] === 0).length,
      ddIn: counted.filter((r) => r[6] === 1).length,
      ddOut: counted.filter((r) => r[7] === 1).length,
    };
  }, [rows]);
  return (
    <section className="panel" aria-labelledby="heat-h">
      <h2 id="heat-h">Namespace heatmap</h2>
      {q.isError ? (
        <p className="notice notice-bad" role="alert">
          Could not load the heatmap: {q.error.message}
        </p>
      ) : !rows ? (
        <p className="muted" role="status">
          Loading the heatmap…
        </p>
      ) : (
        <>
          <p className="muted" data-testid="heatmap-summary">
            {stats!.total} namespaces ({stats!.total - stats!.counted} excluded): {stats!.inNone} with no workload isolated for ingress, {stats!.outNone} for egress;
            default-deny ingress in {stats!.ddIn}, egress in {stats!.ddOut}.
            {rows.length > VISIBLE ? ` ${VISIBLE} rows in view: scroll with the mouse wheel or drag the slider.` : ''}
          </p>
          <ul className="heat-legend" aria-label="Legend">
            {([3, 2, 1, 0] as State[]).map((s) => (
              <li key={s}>
                <span className={`heat-swatch heat-${s}`} aria-hidden>
                  {STATE[s].symbol}
                </span>{' '}
                {s === 3 ? 'all workloads isolated / baseline present' : s === 2 ? 'some workloads isolated (dots)' : s === 1 ? 'none isolated / no baseline (stripes)' : 'no workloads'}
              </li>
            ))}
          </ul>
          <HeatmapCanvas rows={rows} base={links ? `/clusters/${clusterId}/namespaces/` : null} at={at} />
        </>
      )}
    </section>
  );
}

function HeatmapCanvas({ rows, base, at }: { rows: HeatmapRow[]; base: string | null; at: string | null }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const router = useRouter();
  const height = Math.min(rows.length, VISIBLE) * 22 + 70;

  useEffect(() => {
    let disposed = false;
    const names = rows.map((r) => r[0] + (r[1] ? ' (excluded)' : ''));
    const data: { value: [number, number, State]; itemStyle: Record<string, unknown> }[] = [];
    rows.forEach((r, y) => {
      const states: State[] = [isolation(r[4], r[3]), isolation(r[5], r[3]), r[6] ? 3 : 1, r[7] ? 3 : 1];
      states.forEach((s, x) => {
        data.push({
          value: [x, y, s],
          itemStyle: { color: STATE[s].color, decal: s === 1 ? DECALS.stripes : s === 2 ? DECALS.dots : undefined, opacity: r[1] ? 0.55 : 1 },
        });
      });
    });
    void loadECharts().then((echarts) => {
      if (disposed || !ref.current) return;
      const c = (chart.current ??= echarts.init(ref.current, undefined, { renderer: 'canvas' }));
      c.setOption(
        {
          animation: false,
          aria: { enabled: true, label: { description: `Heatmap of ${rows.length} namespaces by isolation and default-deny; the table below lists the same numbers.` } },
          grid: { left: 8, right: rows.length > VISIBLE ? 36 : 8, top: 30, bottom: 8, containLabel: true },
          xAxis: { type: 'category', data: COLUMNS, position: 'top', axisTick: { show: false }, axisLabel: { fontSize: 12, interval: 0 } },
          yAxis: { type: 'category', data: names, inverse: true, axisTick: { show: false }, axisLabel: { fontSize: 12, width: 220, overflow: 'truncate' } },
          dataZoom:
            rows.length > VISIBLE
              ? [
                  { type: 'slider', yAxisIndex: 0, right: 4, width: 18, startValue: 0, endValue: VISIBLE - 1, showDetail: false, brushSelect: false },
                  { type: 'inside', yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true, moveOnMouseMove: false },
                ]
              : [],
          tooltip: {
            trigger: 'item',
            formatter: (p: { value: [number, number, State] }) => {
              const [x, y, s] = p.value;
              const r = rows[y]!;
              return `<strong>${r[0]}</strong>${r[1] ? ' (excluded)' : ''}<br/>${COLUMNS[x]}: ${STATE[s].symbol} ${STATE[s].word}<br/>${describe(r, x)}`;
            },
          },
          series: [
            {
              type: 'heatmap',
              data,
              label: { show: true, formatter: (p: { value: [number, number, State] }) => STATE[p.value[2]].symbol, color: '#fff', fontSize: 12 },
              itemStyle: { borderColor: '#fff', borderWidth: 2 },
              emphasis: { itemStyle: { borderColor: '#17212e', borderWidth: 2 } },
              progressive: 0,
            },
          ],
        },
        true,
      );
      c.off('click');
      if (base) c.on('click', (e) => router.push(withAt(base + encodeURIComponent(rows[(e.value as number[])[1]!]![0]), at)));
    });
    return () => {
      disposed = true;
    };
  }, [rows, base, at, router]);

  useEffect(() => {
    const onResize = () => chart.current?.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  return <div ref={ref} className="heatmap-canvas" style={{ height }} data-testid="heatmap" role="img" aria-label={`Heatmap of ${rows.length} namespaces`} />;
}
