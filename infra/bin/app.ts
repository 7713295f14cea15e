#!/usr/bin/env node
/**
 * The CDK app (`cdk.json`: `node dist/infra/bin/app.js`, built by `npm run build`).
 *
 *   npx cdk synth | deploy [-c stage=prod] [-c alarmEmail=ops@example.com] …
 */

import { App } from 'aws-cdk-lib';
import { readSettings } from '../lib/settings.js';
import { ConnectorStack } from '../lib/stack.js';

const app = new App();
const settings = readSettings(app.node);
// One stack per stage, so a staging deployment can live next to production.
new ConnectorStack(app, settings.stage === 'prod' ? 'Coocenter' : `Coocenter-${settings.stage}`, {
  settings,
  description: 'coocenter cloud connector: relay tunnel, box API per site, events, webhooks',
});
app.synth();
