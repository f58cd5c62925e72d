// `npm run bench`: every benchmark in one run, figures printed as they are measured. Needs a
// PostgreSQL: DATABASE_URL, else the machine's 127.0.0.1:5432, else an embedded one.
import 'reflect-metadata';
import { runApiBench } from './api.bench';
import { runCliBench } from './cli.bench';
import { runDiffBench } from './diff.bench';
import { runSizeBench } from './size.bench';
import { runEngineBench } from './engine.bench';
import { runHistoryBench } from './history.bench';
import { runIngestBench } from './ingest.bench';
import { runLoadBench } from './load.bench';
import { runPagesBench } from './pages.bench';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'ingest') await runIngestBench();
  if (!only || only === 'engine') await runEngineBench();
  if (!only || only === 'diff') await runDiffBench();
  if (!only || only === 'size') await runSizeBench();
  if (!only || only === 'api') await runApiBench();
  if (!only || only === 'history') await runHistoryBench();
  if (!only || only === 'pages') await runPagesBench();
  if (!only || only === 'cli') await runCliBench();
  if (!only || only === 'load') await runLoadBench();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
