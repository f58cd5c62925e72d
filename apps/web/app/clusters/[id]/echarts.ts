'use client';
// ECharts, loaded on demand after first content: only the heatmap on the canvas renderer, so
// the page's first bundle stays small. Shared by the cluster heatmap and the reachability matrix.
export type ECharts = import('echarts/core').ECharts;
export type EChartsOption = import('echarts/core').EChartsCoreOption;

let loading: Promise<typeof import('echarts/core')> | null = null;

export function loadECharts(): Promise<typeof import('echarts/core')> {
  loading ??= Promise.all([import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers')]).then(
    ([core, charts, components, renderers]) => {
      core.use([
        charts.HeatmapChart,
        components.GridComponent,
        components.TooltipComponent,
        components.DataZoomComponent,
        components.VisualMapComponent,
        components.AriaComponent,
        renderers.CanvasRenderer,
      ]);
      return core;
    },
  );
  return loading;
}

/** Diagonal stripes and dots: states told apart by pattern as well as colour. */
export const DECALS = {
  stripes: { symbol: 'rect', symbolSize: 1, dashArrayX: [1, 0], dashArrayY: [3, 5], rotation: Math.PI / 4, color: 'rgba(255,255,255,0.55)' },
  dots: { symbol: 'circle', symbolSize: 0.6, dashArrayX: [[6, 6]], dashArrayY: [6, 0], color: 'rgba(255,255,255,0.6)' },
} as const;
