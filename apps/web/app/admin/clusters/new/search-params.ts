// URL state of the registration page: which way of registering is open.
import { parseAsStringLiteral } from 'nuqs';

export const REGISTER_SOURCES = ['kubeconfig', 'manifests', 'aks', 'discover'] as const;
export type RegisterSource = (typeof REGISTER_SOURCES)[number];
export const sourceParser = parseAsStringLiteral(REGISTER_SOURCES).withDefault('kubeconfig');
