import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'infra/cdk.out/**'],
    testTimeout: 30_000,
    // Node 20 is our target on purpose; the SDK's advisory would only clutter the output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 60_000,
    // Loopback servers (DynamoDB Local, fauxqs) are shared by every file.
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    // A 2-core CI machine: more workers only add contention.
    maxWorkers: 2,
  },
});
