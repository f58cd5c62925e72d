// The time-in-state range picker's presets, pure: last 30 days, the last full calendar quarter,
// Q1–Q4 of the reference date's year, or custom days (YYYY-MM-DD, both inclusive). `ref` is the
// page's `?at=` instant or now; ranges end at the exclusive start of the day after the last one.
export const TIS_PRESETS = [
  { value: '30d', label: 'Last 30 days' },
  { value: 'last-quarter', label: 'Last quarter' },
  { value: 'q1', label: 'Q1' },
  { value: 'q2', label: 'Q2' },
  { value: 'q3', label: 'Q3' },
  { value: 'q4', label: 'Q4' },
  { value: 'custom', label: 'Custom' },
] as const;

export type TisPreset = (typeof TIS_PRESETS)[number]['value'];
export const DEFAULT_TIS_PRESET: TisPreset = '30d';

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isTisPreset(v: string | null | undefined): v is TisPreset {
  return TIS_PRESETS.some((p) => p.value === v);
}

const quarterStart = (year: number, q: number) => new Date(Date.UTC(year, q * 3, 1));

/** `{ from, to }` ISO instants for a preset, or a problem for a bad custom range. */
export function tisRange(
  preset: TisPreset,
  custom: { from: string | null; to: string | null },
  ref: Date,
): { from: string; to: string; label: string } | { problem: string } {
  const year = ref.getUTCFullYear();
  switch (preset) {
    case '30d': {
      // Whole minutes, so repeated views ask the same URL.
      const to = new Date(Math.ceil(ref.getTime() / 60_000) * 60_000);
      return { from: new Date(to.getTime() - 30 * DAY_MS).toISOString(), to: to.toISOString(), label: 'the last 30 days' };
    }
    case 'last-quarter': {
      const q = Math.floor(ref.getUTCMonth() / 3);
      const from = q === 0 ? quarterStart(year - 1, 3) : quarterStart(year, q - 1);
      const to = quarterStart(year, q);
      return { from: from.toISOString(), to: to.toISOString(), label: `Q${q === 0 ? 4 : q} ${q === 0 ? year - 1 : year}` };
    }
    case 'q1':
    case 'q2':
    case 'q3':
    case 'q4': {
      const q = Number(preset.slice(1)) - 1;
      return { from: quarterStart(year, q).toISOString(), to: quarterStart(year, q + 1).toISOString(), label: `Q${q + 1} ${year}` };
    }
    case 'custom': {
      if (!custom.from || !custom.to || !DAY.test(custom.from) || !DAY.test(custom.to)) return { problem: 'pick both days (YYYY-MM-DD)' };
      const from = new Date(`${custom.from}T00:00:00.000Z`);
      const last = new Date(`${custom.to}T00:00:00.000Z`);
      if (Number.isNaN(from.getTime()) || Number.isNaN(last.getTime())) return { problem: 'dates must be written YYYY-MM-DD' };
      if (from.getTime() > last.getTime()) return { problem: 'the first day must not be after the last day' };
      return { from: from.toISOString(), to: new Date(last.getTime() + DAY_MS).toISOString(), label: `${custom.from} to ${custom.to}` };
    }
  }
}

/** 0..1 → "87.5%" (one decimal: an auditor reads 99.9% as not 100%). */
export function formatShare(share: number | null): string {
  if (share === null) return '—';
  const pct = share * 100;
  if (pct > 99.95 && share < 1) return '99.9%';
  if (pct > 0 && pct < 0.05) return '<0.1%';
  return `${pct.toFixed(1)}%`;
}
