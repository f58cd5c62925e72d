'use client';
// The namespace × namespace matrix on canvas (ECharts), usable at 200+ namespaces: 30 rows and
// columns in view, scroll and zoom with the sliders or the wheel. Rows are sources, columns
// destinations. A cell's tooltip names the pair and its connection set; clicking it lists the
// workload connections of that pair below (`?from=&to=`, server-rendered).
import type { ReachabilityMatrix } from '@kordon/contracts';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef } from 'react';
import { browserApi, type BrowserApiError } from '../../../../lib/browser-api';
import { DECALS, loadECharts, type ECharts } from '../echarts';

const VISIBLE = 30;
/** 2: every connection allowed · 1: some protocols/ports. */
const KIND = {
  2: { color: '#b42318', symbol: '∗', word: 'all connections (open)' },
  1: { color: '#b7791f', symbol: '#', word: 'some ports only' },
} as const;

export function MatrixPanel({ clusterId, at, selected, hrefFor }: { clusterId: string; at: string | null; selected: { from: string; to: string } | null; hrefFor: string }) {
  const q = useQuery({
    queryKey: ['reach-matrix', clusterId, at],
    queryFn: () => browserApi<ReachabilityMatrix>(`/clusters/${clusterId}/reachability/matrix${at ? `?at=${encodeURIComponent(at)}` : ''}`),
    staleTime: 5 * 60_000,
    retry: (n, e) => (e as BrowserApiError).status === 503 && n < 5,
    retryDelay: 1500,
  });
  if (q.isError) {
    const e = q.error as BrowserApiError;
    return (
      <p className="notice notice-bad" role="alert">
        {e.status === 503 ? 'The API is busy computing other reports; try again in a moment.' : `Could not load the matrix: ${e.message}`}
      </p>
    );
  }
  if (!q.data)
    return (
      <p className="muted" role="status">
        Computing the namespace matrix…
      </p>
    );
  return <MatrixCanvas m={q.data} selected={selected} hrefFor={hrefFor} />;
}

function MatrixCanvas({ m, selected, hrefFor }: { m: ReachabilityMatrix; selected: { from: string; to: string } | null; hrefFor: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const router = useRouter();
  const N = m.namespaces.length;
  const stats = useMemo(() => {
    const open = m.cells.filter((c) => c.conn === 'All Connections').length;
    return { open, some: m.cells.length - open, none: N * N - m.cells.length };
  }, [m, N]);

  useEffect(() => {
    let disposed = false;
    const pos = new Map(m.namespaces.map((n, i) => [n, i]));
    const excluded = new Set(m.excluded);
    const data = m.cells.map((c) => {
      const k = c.conn === 'All Connections' ? 2 : 1;
      const isSel = selected && c.src === selected.from && c.dst === selected.to;
      return {
        value: [pos.get(c.dst)!, pos.get(c.src)!, k],
        conn: c.conn,
        itemStyle: { color: KIND[k].color, decal: k === 2 ? DECALS.stripes : undefined, borderColor: isSel ? '#17212e' : '#fff', borderWidth: isSel ? 3 : 1 },
      };
    });
    const names = m.namespaces.map((n) => (excluded.has(n) ? `${n} (excluded)` : n));
    const zoom = N > VISIBLE;
    void loadECharts().then((echarts) => {
      if (disposed || !ref.current) return;
      const c = (chart.current ??= echarts.init(ref.current, undefined, { renderer: 'canvas' }));
      c.setOption(
        {
          animation: false,
          aria: { enabled: true, label: { description: `Reachability between ${N} namespaces: ${m.cells.length} ordered pairs have allowed connections.` } },
          grid: { left: 8, right: zoom ? 34 : 8, top: 8, bottom: zoom ? 40 : 8, containLabel: true },
          xAxis: { type: 'category', data: names, axisLabel: { rotate: 60, fontSize: 11, width: 140, overflow: 'truncate', interval: 0 }, axisTick: { show: false } },
          yAxis: { type: 'category', data: names, inverse: true, axisLabel: { fontSize: 11, width: 160, overflow: 'truncate', interval: 0 }, axisTick: { show: false } },
          dataZoom: zoom
            ? [
                { type: 'slider', xAxisIndex: 0, bottom: 4, height: 16, startValue: 0, endValue: VISIBLE - 1, showDetail: false },
                { type: 'slider', yAxisIndex: 0, right: 4, width: 16, startValue: 0, endValue: VISIBLE - 1, showDetail: false },
                { type: 'inside', yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true, moveOnMouseMove: false },
              ]
            : [],
          tooltip: {
            trigger: 'item',
            formatter: (p: { value: [number, number, 1 | 2]; data: { conn: string } }) =>
              `<strong>${m.namespaces[p.value[1]]}</strong> → <strong>${m.namespaces[p.value[0]]}</strong><br/>${KIND[p.value[2]].symbol} ${p.data.conn}<br/><em>click to list the workload connections</em>`,
          },
          series: [
            {
              type: 'heatmap',
              data,
              label: { show: N <= 60, formatter: (p: { value: [number, number, 1 | 2] }) => KIND[p.value[2]].symbol, color: '#fff', fontSize: 11 },
              emphasis: { itemStyle: { borderColor: '#17212e', borderWidth: 2 } },
              progressive: 0,
            },
          ],
        },
        true,
      );
      c.off('click');
      c.on('click', (e) => {
        const [x, y] = e.value as [number, number];
        const qs = new URLSearchParams(hrefFor.split('?')[1] ?? '');
        qs.set('from', m.namespaces[y]!);
        qs.set('to', m.namespaces[x]!);
        router.push(`${hrefFor.split('?')[0]}?${qs.toString()}#pair`, { scroll: false });
      });
    });
    return () => {
      disposed = true;
    };
  }, [m, N, selected, hrefFor, router]);

  useEffect(() => {
    const onResize = () => chart.current?.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  const size = Math.min(N, VISIBLE) * 22 + 180;
  return (
    <>
      <p className="muted" data-testid="matrix-summary">
        {N} namespaces ({m.excluded.length} excluded): {stats.open} ordered pairs allow every connection, {stats.some} allow some ports, {stats.none} allow none.
        {N > VISIBLE ? ` ${VISIBLE} × ${VISIBLE} in view: drag the sliders or scroll.` : ''} Rows are sources, columns destinations.
      </p>
      <ul className="heat-legend" aria-label="Legend">
        <li>
          <span className="heat-swatch heat-1" aria-hidden>
            ∗
          </span>{' '}
          all connections allowed (stripes)
        </li>
        <li>
          <span className="heat-swatch heat-2" style={{ backgroundImage: 'none' }} aria-hidden>
            #
          </span>{' '}
          some protocols or ports only
        </li>
        <li>
          <span className="heat-swatch heat-0" aria-hidden>
            {' '}
          </span>{' '}
          blank: no connection
        </li>
      </ul>
      <div ref={ref} className="matrix-canvas" style={{ height: size }} data-testid="matrix" role="img" aria-label={`Namespace reachability matrix, ${N} × ${N}`} />
      {m.notEvaluated.length > 0 ? (
        <details className="matrix-not-evaluated">
          <summary>
            {m.notEvaluated.length} item{m.notEvaluated.length === 1 ? '' : 's'} not evaluated: each says how it is shown
          </summary>
          <ul className="not-evaluated">
            {m.notEvaluated.map((n, i) => (
              <li key={`${n.object}-${i}`}>
                <span className="mono">{n.object}</span> <span className="muted">({n.kind})</span>: {n.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}
