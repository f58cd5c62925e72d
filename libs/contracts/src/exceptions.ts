// Posture exceptions: accepted gaps recorded by the security team (a finding rule or a
// default-deny direction, for a cluster, a namespace or one workload), approved by someone other
// than the requester, in force until they expire. Plain types only.

export type ExceptionStatus = 'pending' | 'approved' | 'rejected' | 'revoked';
export type ExceptionDirection = 'ingress' | 'egress';

export interface PostureExceptionView {
  id: string;
  cluster: { id: string; name: string };
  /** null: every namespace of the cluster. */
  namespace: string | null;
  /** `Kind/name` of a workload in `namespace`; null for the whole namespace (or cluster). */
  workload: string | null;
  /** The finding rule excepted; null when the exception is for a direction. */
  ruleId: string | null;
  /** The default-deny gap excepted; null when the exception is for a rule. */
  direction: ExceptionDirection | null;
  justification: string;
  owner: string;
  requestedBy: string;
  status: ExceptionStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  expiresAt: string;
  createdAt: string;
  /** Approved and not yet expired, at the time of the answer. */
  inForce: boolean;
}

export interface CreateExceptionRequest {
  cluster: string;
  namespace?: string | null;
  workload?: string | null;
  ruleId?: string | null;
  direction?: ExceptionDirection | null;
  justification: string;
  owner: string;
  expiresAt: string;
}

export interface DecideExceptionRequest {
  note?: string;
}

export interface ExceptionsPage {
  items: PostureExceptionView[];
}

/** What a finding or a default-deny gap shows when an exception in force covers it. */
export interface ExceptedRef {
  exceptionId: string;
  owner: string;
  expiresAt: string;
}
