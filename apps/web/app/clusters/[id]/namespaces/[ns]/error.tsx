'use client';
import { RouteError } from '../../../../../components/route-error';

export default function NamespaceError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="This page" {...props} />;
}
