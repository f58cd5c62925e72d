// The fleet page's URL: filters (environment, team, engine) and the as-of date. One parser shared
// by the page, its filter form and the links it builds, so a pasted link reproduces the view.
import type { PolicyEngineName } from '@kordon/contracts';

export interface FleetParams {
  environment: string | null;
  team: string | null;
  engine: PolicyEngineName | null;
  /** `?at=` as given (YYYY-MM-DD or an instant). */
  at: string | null;
}

type Raw = Record<string, string | string[] | undefined>;
const ENGINES: PolicyEngineName[] = ['azure', 'calico', 'cilium', 'none', 'unknown'];

const one = (v: string | string[] | undefined): string | null => {
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() ? s.trim() : null;
};

export function parseFleetParams(raw: Raw): FleetParams {
  const engine = one(raw.engine);
  return {
    environment: one(raw.environment),
    team: one(raw.team),
    engine: engine && (ENGINES as string[]).includes(engine) ? (engine as PolicyEngineName) : null,
    at: one(raw.at),
  };
}

/** The fleet URL with `params` changed; empty values are left out. */
export function fleetHref(params: FleetParams, change: Partial<FleetParams> = {}): string {
  const p = { ...params, ...change };
  const q = new URLSearchParams();
  if (p.environment) q.set('environment', p.environment);
  if (p.team) q.set('team', p.team);
  if (p.engine) q.set('engine', p.engine);
  if (p.at) q.set('at', p.at);
  const s = q.toString();
  return s ? `/?${s}` : '/';
}
