// Register a cluster: kubeconfig, offline manifests, one AKS cluster, or AKS discovery (`?source=`).
import type { Metadata } from 'next';
import Link from 'next/link';
import { RegisterPage } from './register-form';

export const metadata: Metadata = { title: 'Register a cluster' };

export default function NewClusterPage() {
  return (
    <>
      <div className="page-title">
        <p className="crumbs">
          <Link href="/admin/clusters">Clusters</Link> / register
        </p>
        <h1>Register a cluster</h1>
        <p className="page-sub">Kordon snapshots it on its schedule; a new cluster gets its first snapshot within a minute.</p>
      </div>
      <RegisterPage />
    </>
  );
}
