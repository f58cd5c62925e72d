// Small status markers used across the fleet table and the cluster page. Colour is never the only
// signal: every badge carries a word, and a title explains it on hover.
import type { ClusterSummary, PolicyEngineName } from '@kordon/contracts';
import type { ReactNode } from 'react';
import { formatSchedule } from '../../lib/format';

type Tone = 'neutral' | 'info' | 'good' | 'warn' | 'bad' | 'demo';

export function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export const ENGINE_LABELS: Record<PolicyEngineName, { label: string; tone: Tone; title: string }> = {
  azure: { label: 'Azure NPM', tone: 'info', title: 'Azure Network Policy Manager enforces NetworkPolicy' },
  calico: { label: 'Calico', tone: 'info', title: 'Calico enforces NetworkPolicy' },
  cilium: { label: 'Cilium', tone: 'info', title: 'Cilium enforces NetworkPolicy' },
  none: {
    label: 'not enforced',
    tone: 'bad',
    title: 'networkPolicy is "none": NetworkPolicy objects exist only on paper, nothing enforces them',
  },
  unknown: { label: 'unknown', tone: 'neutral', title: 'No successful snapshot has reported the policy engine yet' },
};

export function EngineBadge({ engine }: { engine: PolicyEngineName }) {
  const { label, tone, title } = ENGINE_LABELS[engine] ?? ENGINE_LABELS.unknown;
  return (
    <Badge tone={tone} title={title}>
      {label}
    </Badge>
  );
}

export function DemoBadge() {
  return (
    <Badge tone="demo" title="Seeded demo cluster, not a real AKS cluster">
      demo
    </Badge>
  );
}

export function StaleBadge({ cluster }: { cluster: ClusterSummary }) {
  return (
    <Badge
      tone="warn"
      title={`No successful snapshot within twice the schedule interval (${formatSchedule(cluster.scheduleMinutes)}): the posture shown may be out of date`}
    >
      stale
    </Badge>
  );
}

/** Whether NetworkPolicy is enforced: from the latest posture, else inferred from the engine. */
export function isEnforced(cluster: ClusterSummary): boolean | null {
  if (cluster.posture) return cluster.posture.enforced;
  if (cluster.engine === 'none') return false;
  if (cluster.engine === 'unknown') return null;
  return true;
}
