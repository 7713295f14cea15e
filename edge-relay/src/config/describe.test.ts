import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { describeConfig, MASK } from './describe.js';
import { CONFIG_KEYS } from './keys.js';

const CONF = `
[general]
BINDPORT = 8001
WEBKEY = webkey-secret-1
mac = 68:69:2e:03:8b:3e
[ami]
username = relay
secret = ami-secret-2
tech = pjsip
[cloud]
url = wss://cloud.example.com/relay
token = rt_token-secret-3
[pbx]
trunks = trunk-provider, carrier2
[ivr]
ivr-Main = 610,working time
`;

describe('check-config output', () => {
  it('shows every setting, defaults filled in, as api.conf lines, and no secret', () => {
    const text = describeConfig(parseConfig(CONF, '/etc/coocenter/api.conf'), '/var/lib/coocenter-relay');
    for (const secret of ['webkey-secret-1', 'ami-secret-2', 'rt_token-secret-3']) expect(text).not.toContain(secret);
    const lines = text.split('\n');
    expect(lines[0]).toBe('; /etc/coocenter/api.conf: valid. Effective settings, defaults filled in, secrets masked.');
    for (const line of [
      'BINDPORT = 8001',
      'BINDADDR = 0.0.0.0',
      `WEBKEY = ${MASK}`,
      `secret = ${MASK}`,
      `token = ${MASK}`,
      'tech = PJSIP',
      'port = 5038',
      'trunks = trunk-provider, carrier2',
      'ivr-Main = 610,working time',
    ]) {
      expect(lines).toContain(line);
    }
    expect(text).toMatch(/^data_dir = \/var\/lib\/coocenter-relay +; (from DATA_DIR|the default)$/m);
    expect(text).toMatch(/^; URL = +; no LAN push$/m);
    // Every documented key appears once, set or commented out, in its section.
    for (const [section, keys] of Object.entries(CONFIG_KEYS)) {
      const body = text.split(`[${section}]\n`)[1].split('\n[')[0];
      for (const key of keys) expect(body).toMatch(new RegExp(`^(; )?${key} =`, 'm'));
    }
  });

  it('says when authentication is off and the relay is LAN only', () => {
    const text = describeConfig(parseConfig('[ami]\nusername = a\nsecret = b\n'), '/tmp/d');
    expect(text).toMatch(/^; WEBKEY = +; authentication off$/m);
    expect(text).toMatch(/^; url = +; LAN only$/m);
    expect(text).toMatch(/^; token = +; not set$/m);
    expect(text).toMatch(/^tech = auto +; chan_sip if Asterisk has it, else chan_pjsip \(asked after each login\)$/m);
    expect(text).toMatch(/^listen = 127\.0\.0\.1:9464 +; \/healthz, \/readyz, \/metrics$/m);
    expect(describeConfig(parseConfig('[ami]\nusername = a\nsecret = b\n[metrics]\nlisten = off\n'), '/tmp/d')).toMatch(/^listen = off +; no health or metrics endpoint$/m);
  });
});
