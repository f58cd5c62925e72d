'use client';
// The fleet table's sparklines, drawn in the browser only. Recharts cannot draw a line on the
// server (it renders an empty wrapper there, ~0.4 ms each even so), and next/dynamic's
// `ssr: false` bails out by throwing once per instance; on a 50-cluster fleet either costs the
// server page more than its API calls. The server sends an empty box of the same size instead
// (its title says the trend in words), and the line is drawn once the page hydrates.
import { useSyncExternalStore } from 'react';
import { Sparkline } from '../../components/charts/trend-chart';

const subscribe = () => () => undefined;

export function LazySparkline({ values, label, width, height }: { values: (number | null)[]; label: string; width: number; height: number }) {
  const inBrowser = useSyncExternalStore(subscribe, () => true, () => false);
  // The slot's size is the fleet table's CSS (.spark-slot: 96 × 22).
  return <span className="spark-slot" title={inBrowser ? undefined : label}>{inBrowser ? <Sparkline values={values} label={label} width={width} height={height} /> : null}</span>;
}
