'use client';
// The fleet table's sparklines, drawn in the browser only: Recharts cannot draw a line on the
// server (it renders an empty wrapper there, at ~0.4 ms each), so fifty clusters' worth would cost
// the server page time for nothing. The server sends a box of the same size holding the words.
import dynamic from 'next/dynamic';

const Sparkline = dynamic(() => import('../../components/charts/trend-chart').then((m) => m.Sparkline), {
  ssr: false,
  loading: () => null,
});

export function LazySparkline({ values, label, width, height }: { values: (number | null)[]; label: string; width: number; height: number }) {
  return (
    <span className="spark-slot" style={{ width, height }}>
      <Sparkline values={values} label={label} width={width} height={height} />
    </span>
  );
}
