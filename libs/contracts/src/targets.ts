// Rollout targets: a share of namespaces with default-deny in a direction, by a date, for the
// fleet, an environment, a team or a cluster; with the progress as a burn-up and a projection.

export type TargetScopeKind = 'fleet' | 'environment' | 'team' | 'cluster';

export interface RolloutTargetView {
  id: string;
  scopeKind: TargetScopeKind;
  /** Environment or team name, cluster id; '' for the fleet. */
  scopeValue: string;
  /** Display name of the scope (the cluster's name for a cluster). */
  scopeName: string;
  direction: 'ingress' | 'egress';
  /** 0..1 */
  share: number;
  dueDate: string;
  note: string | null;
  createdBy: string;
  createdAt: string;
  progress: TargetProgressSummary;
}

export interface TargetProgressSummary {
  /** Share now (0..1); null when no namespace is in scope. */
  current: number | null;
  namespaces: number;
  withDefaultDeny: number;
  /** Least-squares trend over the last 28 days, share per day. */
  trendPerDay: number | null;
  /** The trend carried to the due date (clamped to 0..1). */
  projectedAtDue: number | null;
  /** When the trend reaches the target; null when it is flat or falling (or already reached: `reachedAt`). */
  projectedReachDate: string | null;
  reached: boolean;
  onTrack: boolean;
  daysLeft: number;
}

export interface TargetProgressPoint {
  day: string;
  share: number | null;
  namespaces: number;
  withDefaultDeny: number;
}

export interface TargetProgress extends TargetProgressSummary {
  targetId: string;
  /** Daily points, oldest first, from 90 days before now (or the target's creation, if earlier). */
  points: TargetProgressPoint[];
  /** The projection as two points: now and the due date. */
  projection: { day: string; share: number }[];
}

export interface CreateTargetRequest {
  scopeKind: TargetScopeKind;
  scopeValue?: string;
  direction: 'ingress' | 'egress';
  share: number;
  dueDate: string;
  note?: string | null;
}
