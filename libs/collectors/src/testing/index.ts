// Test and benchmark helpers (fake API servers, synthetic clusters). Kept out of the package's
// main entry so production code never loads selfsigned or the fakes.
export * from './synthetic-cluster';
export * from './fake-kube-server';
export * from './fake-arm-server';
export * from './test-tls';
export * as fuzzArbitraries from './fuzz-arbitraries';
