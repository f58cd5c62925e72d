'use client';
import { RouteError } from '../../components/route-error';

export default function RolloutError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="The rollout page" {...props} />;
}
