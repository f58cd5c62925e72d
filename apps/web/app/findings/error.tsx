'use client';
import { RouteError } from '../../components/route-error';

export default function FindingsError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="The findings page" {...props} />;
}
