/** What `npm start` prints once everything is up: where things are, and curl lines that work as printed. */

import { agentConsoleLink } from '../../cloud/src/api/agent-links.js';
import { DEMO_AGENT_EXTENSION, type Demo } from './accounts.js';

export interface BannerFacts {
  cloudUrl: string;
  lanPort: number;
  metricsPort: number;
  amiPort: number;
  confFile: string;
  demo: Demo;
  webhookUrl: string;
  /** Ids of the tenant's webhooks already posting to webhookUrl (from an earlier run). */
  existingWebhooks: string[];
}

export function banner(f: BannerFacts): string[] {
  const { demo, cloudUrl } = f;
  const site = `${cloudUrl}/sites/${demo.siteId}/coocenter-api`;
  const bearer = `-H 'Authorization: Bearer ${demo.apiKey}'`;
  const md5Header = `-H "Authorization: $(printf '%s' '${demo.webkey}'$(date -u +%F) | md5sum | cut -d' ' -f1)"`;
  const webhook = JSON.stringify({ url: f.webhookUrl });
  return [
    '',
    'coocenter demo is running: cloud, relay and a simulated call center (demo calls every few seconds).',
    '',
    `  cloud        ${cloudUrl}            (admin token: ${demo.adminToken})`,
    `  console      ${cloudUrl}/console/#key=${encodeURIComponent(demo.apiKey)}   (signs in as the demo tenant)`,
    ...(demo.agentCredential ? [`  agent link   ${agentConsoleLink(cloudUrl, demo.agentCredential)}   (extension ${DEMO_AGENT_EXTENSION}'s toolbar only)`] : []),
    `  relay (LAN)  http://127.0.0.1:${f.lanPort}/coocenter-api   config ${f.confFile}`,
    `  relay health http://127.0.0.1:${f.metricsPort}/readyz, /metrics (Prometheus)`,
    `  PBX (AMI)    127.0.0.1:${f.amiPort}               simulated Asterisk 20, admin/secret`,
    `  webhooks     ${f.webhookUrl}   the demo's receiver: one line per delivery below`,
    `  tenant ${demo.tenantId}, site ${demo.siteId}`,
    '',
    'Try, through the cloud (the tenant key):',
    `  curl -s -X POST ${bearer} ${site}/extensions/current-calls`,
    `  curl -s ${bearer} ${site}/queues/queue-info`,
    `  curl -s -X POST ${bearer} -d 'src=801&dst=802' ${site}/extensions/click-number`,
    `  curl -s ${bearer} ${cloudUrl}/v1/tenants/${demo.tenantId}/sites/${demo.siteId}`,
    "With the box's own WEBKEY header, as an existing integration would:",
    `  curl -s ${md5Header} ${site}/extensions/extension-status`,
    'On the LAN, exactly like the old box:',
    `  curl -s ${md5Header} http://127.0.0.1:${f.lanPort}/coocenter-api/blacklist/index`,
    'Webhooks: make one that posts the tenant\'s events to the receiver (add "events":["cdr","cc_cdr"] to the JSON to filter):',
    `  curl -s -X POST ${bearer} -H 'content-type: application/json' -d '${webhook}' ${cloudUrl}/v1/tenants/${demo.tenantId}/webhooks`,
    ...(f.existingWebhooks.length ? [`  (made in an earlier run, still posting to it: ${f.existingWebhooks.join(', ')})`] : []),
    '',
    'Deliveries to the receiver show below as "webhook …" lines; the LAN pushes to the stand-in CRM are counted. Ctrl-C to stop.',
  ];
}
