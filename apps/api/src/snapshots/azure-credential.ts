// How the API reaches Azure: one credential for the process (DefaultAzureCredential: environment,
// workload identity, managed identity, Azure CLI — in that order), created lazily so clusters
// without AKS never touch Azure, plus SDK client options. Provided through DI so tests can point
// the real SDK at a fake ARM server with its own CA and a static credential.
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { ContainerServiceClientOptionalParams } from '@azure/arm-containerservice';

export const AZURE_ACCESS = Symbol('AZURE_ACCESS');

export interface AzureAccess {
  credential(): TokenCredential;
  clientOptions?: ContainerServiceClientOptionalParams;
}

export function defaultAzureAccess(): AzureAccess {
  let credential: TokenCredential | undefined;
  return {
    credential: () => (credential ??= new DefaultAzureCredential()),
  };
}
