// Public surface of the collectors library: the collect contract, shared normalization, and one
// collector per source (live Kubernetes API, AKS through ARM, manifest folders). Test fakes live
// in ./testing and are deliberately not exported here.
export * from './types';
export * from './normalize';
export * from './kubernetes/kubernetes.collector';
export * from './aks/aks.collector';
export * from './manifests/manifests.collector';
export { parseManifestText } from './manifests/manifest-documents.parser';
