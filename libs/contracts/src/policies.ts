// Policy detail views (one NetworkPolicy or CRD policy: selection, what it allows, baselines). Plain types only.
export {};
