// The API under load for bench/api.bench.ts, in its own process (as production runs it), so
// the load generator does not share its event loop. Reads its config from the environment,
// listens on a free port and sends the port to the parent.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createApp } from '../apps/api/src/app.factory';
import { parseEnv } from '../apps/api/src/config/env.schema';

async function main(): Promise<void> {
  const app = await createApp({ ...parseEnv(process.env), databaseUrl: process.env.DATABASE_URL! });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.send?.({ port });
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
