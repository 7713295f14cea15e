/**
 * The embedded SQS- and S3-compatible server for local runs and tests:
 * fauxqs, bound to 127.0.0.1 (its own start helper binds every interface).
 */

import { buildApp } from 'fauxqs';

export interface LocalSqs {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startSqsLocal(options: { port?: number } = {}): Promise<LocalSqs> {
  const app = buildApp({ logger: false });
  const address = await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const port = Number(new URL(address).port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await app.close();
    },
  };
}
