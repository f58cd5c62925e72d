// Entry of an analysis thread (run by Piscina, see AnalysisPool): one task = collect and analyse
// one snapshot. Progress goes back over the task's MessagePort; the API thread aborts the task by
// posting 'abort' on it, so the collector stops the way it does in the API thread (its requests
// cancelled, an `aborted` problem returned) rather than the thread being killed mid-request.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import type { CollectOptions, CollectResult } from '@kordon/collectors';
import { workerData } from 'piscina';
import { collectAndAnalyse, collectSource, type WorkInput, type WorkOutput } from './snapshot-work';

export interface AnalysisThreadData {
  /** KORDON_ANALYSIS_NICE: this thread's scheduling priority. */
  nice: number;
}

/**
 * This thread's own id: on Linux a thread has its own nice value, so lowering it leaves the API
 * thread (and the process's other threads) where they are. Null elsewhere.
 */
function threadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop()) || null;
  } catch {
    return null;
  }
}

const tid = threadId();
const nice = (workerData as AnalysisThreadData | undefined)?.nice ?? 0;
if (tid !== null && nice > 0) {
  try {
    setPriority(tid, nice);
  } catch {
    // Not permitted (a raised nice cannot fail for an unprivileged user; a container may forbid it): run at the process's priority.
  }
}

export interface AnalysisTask {
  input: WorkInput;
  port: MessagePort;
}

/** Runs `work` with an abort signal and progress bridged over the task's port, then closes it. */
async function overPort<T>(port: MessagePort, work: (opts: CollectOptions) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  port.on('message', (m) => {
    if (m === 'abort') abort.abort('aborted');
  });
  try {
    return await work({ signal: abort.signal, onProgress: (p) => port.postMessage(p) });
  } finally {
    port.close();
  }
}

export default function analyse({ input, port }: AnalysisTask): Promise<WorkOutput> {
  return overPort(port, (opts) => collectAndAnalyse(input, opts));
}

/** Collects only (the AKS collector's Kubernetes half): the state goes back to the API thread to be merged. */
export function collectOnly({ input, port }: AnalysisTask): Promise<CollectResult> {
  const s = input.source;
  if (s.kind !== 'kubernetes') return Promise.reject(new Error(`collectOnly takes a Kubernetes source, not ${s.kind}`));
  return overPort(port, (opts) => collectSource(s, opts));
}

/** A no-op: the pool runs it once per thread at start, so the modules above are loaded before the first snapshot. */
export function warmup(): boolean {
  return true;
}

/** This thread's nice value (the process's where threads have none of their own). */
export function priority(): number {
  return getPriority(tid ?? 0);
}
