'use client';
import { RouteError } from '../../../components/route-error';

export default function ClusterError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="This cluster page" {...props} />;
}
