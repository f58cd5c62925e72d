'use client';
import { RouteError } from '../../components/route-error';

export default function EvidenceError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="The evidence page" {...props} />;
}
