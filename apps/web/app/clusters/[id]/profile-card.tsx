// The network profile card: the fields that decide what is enforced (plugin, mode, policy engine,
// dataplane, CIDRs, node pools) and the caveats in words: the engine's known limits, then the
// snapshot's own platform and enforcement findings.
import type { ClusterProfile } from '@kordon/contracts';
import Link from 'next/link';
import { EngineBadge } from '../../_components/badges';
import { engineCaveats } from './caveats';

const ENGINES = new Set(['azure', 'calico', 'cilium', 'none', 'unknown']);
const SEVERITY_ICON: Record<string, string> = { critical: '✗', high: '⚠', medium: '⚠', low: 'ℹ', info: 'ℹ' };
const TONE_ICON = { bad: '✗', warn: '⚠', info: 'ℹ' } as const;

function Field({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd className="mono">{value || <span className="muted">not reported</span>}</dd>
    </div>
  );
}

export function ProfileCard({ profile, links }: { profile: ClusterProfile; links: boolean }) {
  const np = profile.networkProfile;
  const engine = profile.snapshot.engine;
  // The snapshot's retirement findings date the engine's end of support precisely: the generic note is then left out.
  const dated = profile.caveats.some((c) => /end of support/i.test(c.title));
  const caveats = engineCaveats(profile).filter((c) => !(dated && /retired/.test(c.title)));
  return (
    <section className="panel profile-card" aria-labelledby="profile-h" data-testid="profile-card">
      <h2 id="profile-h">Network profile</h2>
      <p className="profile-engine">
        Policy engine <EngineBadge engine={(ENGINES.has(engine) ? engine : 'unknown') as 'unknown'} />{' '}
        {profile.snapshot.enforced ? (
          <span className="mark mark-yes">✓ enforces NetworkPolicy</span>
        ) : (
          <span className="mark mark-no">✗ enforces nothing</span>
        )}
      </p>
      {np ? (
        <dl className="facts profile-facts">
          <Field label="Network plugin" value={np.networkPlugin} />
          <Field label="Plugin mode" value={np.networkPluginMode} />
          <Field label="Network policy" value={np.networkPolicy} />
          <Field label="Dataplane" value={np.networkDataplane} />
          <Field label="Pod CIDRs" value={np.podCidrs.join(', ')} />
          <Field label="Service CIDRs" value={np.serviceCidrs.join(', ')} />
          <Field label="Outbound" value={np.outboundType} />
          <Field label="IP families" value={np.ipFamilies.join(', ')} />
          <Field label="Kubernetes" value={profile.kubernetesVersion} />
          <Field
            label="Node pools"
            value={profile.nodePools.map((p) => `${p.name} (${p.osType ?? '?'}${p.count !== null ? ` × ${p.count}` : ''})`).join(', ')}
          />
        </dl>
      ) : (
        <p className="muted">
          This snapshot has no network profile (the cluster was read from manifests or a kubeconfig without Azure access), so the engine is inferred.
        </p>
      )}
      <h3 className="caveats-h">What this means</h3>
      <ul className="caveats" data-testid="caveats">
        {caveats.map((c) => (
          <li key={c.title} className={`caveat caveat-${c.tone}`}>
            <span aria-hidden>{TONE_ICON[c.tone]}</span> <strong>{c.title}.</strong> {c.text}
          </li>
        ))}
        {profile.caveats.map((c, i) => (
          <li key={`${c.ruleId}-${i}`} className={`caveat caveat-${c.severity === 'critical' || c.severity === 'high' ? 'bad' : c.severity === 'medium' ? 'warn' : 'info'}`}>
            <span aria-hidden>{SEVERITY_ICON[c.severity]}</span> <strong>{c.title}</strong>{' '}
            <span className="muted">
              ({c.severity}, {c.ruleId})
            </span>
            : {c.message}
            {c.more > 0 ? (
              <>
                {' '}
                {links ? (
                  <Link href={`/findings?cluster=${profile.cluster.id}&rule=${c.ruleId}`} prefetch={false}>
                    and {c.more} more like it
                  </Link>
                ) : (
                  <span className="muted">and {c.more} more like it</span>
                )}
              </>
            ) : null}
          </li>
        ))}
        {caveats.length === 0 && profile.caveats.length === 0 ? <li className="caveat caveat-info">No platform caveat for this engine and profile.</li> : null}
      </ul>
    </section>
  );
}
