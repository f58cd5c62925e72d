// Filters as a plain GET form: works without script, and the URL it produces reproduces the view.
import type { ClusterSummary, PolicyEngineName } from '@kordon/contracts';
import Link from 'next/link';
import { fleetHref, type FleetParams } from './search-params';

const ENGINE_NAMES: Record<PolicyEngineName, string> = {
  azure: 'Azure NPM',
  calico: 'Calico',
  cilium: 'Cilium',
  none: 'none (not enforced)',
  unknown: 'unknown',
};

const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))].sort();

export function FleetFilters({ all, params, shown }: { all: ClusterSummary[]; params: FleetParams; shown: number }) {
  const environments = distinct(all.map((c) => c.environment));
  const teams = distinct(all.map((c) => c.team));
  const engines = distinct(all.map((c) => c.engine)) as PolicyEngineName[];
  const filtered = !!(params.environment || params.team || params.engine);
  return (
    <form method="get" action="/" className="toolbar fleet-filters" aria-label="Filter the fleet">
      <label>
        Environment{' '}
        <select name="environment" defaultValue={params.environment ?? ''}>
          <option value="">all</option>
          {environments.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
      </label>
      <label>
        Team{' '}
        <select name="team" defaultValue={params.team ?? ''}>
          <option value="">all</option>
          {teams.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Engine{' '}
        <select name="engine" defaultValue={params.engine ?? ''}>
          <option value="">all</option>
          {engines.map((e) => (
            <option key={e} value={e}>
              {ENGINE_NAMES[e] ?? e}
            </option>
          ))}
        </select>
      </label>
      {params.at ? <input type="hidden" name="at" value={params.at} /> : null}
      <button type="submit" className="button">
        Apply
      </button>
      {filtered ? (
        <Link href={fleetHref(params, { environment: null, team: null, engine: null })} className="button button-ghost">
          Clear filters
        </Link>
      ) : null}
      <span className="muted" role="status">
        {filtered ? `${shown} of ${all.length} clusters match` : `${all.length} clusters`}
      </span>
    </form>
  );
}
