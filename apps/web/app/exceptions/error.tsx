'use client';
import { RouteError } from '../../components/route-error';

export default function ExceptionsError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="The exceptions page" {...props} />;
}
