import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from './config.js';

const BOX_CONF = `
[general]
BINDPORT = 8000                      ; port that receives commands
URL = http://192.168.12.185:8090     ; where events are pushed (HTTP POST, JSON)
WEBKEY = asjdfjklkasdf               ; key for request authentication
mac = 68:69:2e:03:8b:3e              ; this device's MAC, copied into events
pop_url = http://www.example.com     ; screen-pop URL used by the agent toolbar
[enable]
pausetime = no                       ; after-call work (wrap-up), see below
# our sections
[ami]
username = admin
secret = s3cret
[ivr]
ivr-Main = 610,working time
`;

function errorOf(text: string): ConfigError {
  try {
    parseConfig(text, '/etc/coocenter/api.conf');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('relay configuration', () => {
  it('reads the box\'s own api.conf, inline comments included, with our defaults', () => {
    const c = parseConfig(BOX_CONF);
    expect(c.general).toMatchObject({
      bindPort: 8000,
      url: 'http://192.168.12.185:8090',
      webkey: 'asjdfjklkasdf',
      mac: '68:69:2e:03:8b:3e',
      popUrl: 'http://www.example.com',
    });
    expect(c.enable).toEqual({ pausetime: false, wrapupSeconds: 30 });
    // tech unset: auto, the channel driver is asked for after login (Asterisk 21+ has no chan_sip).
    expect(c.ami).toMatchObject({ host: '127.0.0.1', port: 5038, tech: 'auto', context: 'from-internal', username: 'admin' });
    expect(c.metrics).toEqual({ listen: { host: '127.0.0.1', port: 9464 } });
    expect(c.pbx).toMatchObject({ blacklistFamily: 'blacklist', monitorDir: '/var/spool/asterisk/monitor', trunks: [] });
    expect(c.cloud).toBeUndefined();
    // Dialplan contexts are case-sensitive: keep the key as written.
    expect(c.ivr.get('ivr-Main')).toEqual({ id: '610', name: 'working time' });
  });

  it('treats an empty or commented WEBKEY as authentication off', () => {
    expect(parseConfig(BOX_CONF.replace('WEBKEY = asjdfjklkasdf', 'WEBKEY =')).general.webkey).toBeUndefined();
    expect(parseConfig(BOX_CONF.replace('WEBKEY = asjdfjklkasdf', ';WEBKEY = x')).general.webkey).toBeUndefined();
  });

  it.each([
    ['BINDPORT = 8000', 'BINDPORT = eighty', '[general] bindport: must be a whole number from 0 to 65535 (got "eighty")'],
    ['URL = http://192.168.12.185:8090', 'URL = ftp://x', '[general] url: must be a http/https URL'],
    ['secret = s3cret', '', '[ami] secret: is required and missing'],
    ['pausetime = no', 'pausetime = maybe', '[enable] pausetime: must be yes or no'],
    ['[ivr]', '[ami]\ntech = IAX2\n[ivr]', '[ami] tech: must be one of SIP, PJSIP, auto (got "IAX2")'],
    ['[ivr]', '[metrics]\nlisten = 9464\n[ivr]', '[metrics] listen: must be host:port (e.g. 127.0.0.1:9464) or off (got "9464")'],
    ['[ivr]', '[metrics]\nlisten = 127.0.0.1:99999\n[ivr]', '[metrics] listen: must be host:port'],
    ['[ivr]', '[pbx]\ntimezone = Mars/Base\n[ivr]', '[pbx] timezone: is not an IANA time zone'],
    ['[ivr]', '[cloud]\nurl = wss://cloud.example.com/relay\n[ivr]', '[cloud] token: is required and missing'],
    ['[general]', '[general\n', 'malformed section header'],
  ])('stops on a wrong setting with one line naming file and key: %s → %s', (from, to, expected) => {
    const err = errorOf(BOX_CONF.replace(from, to));
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.message).toContain('/etc/coocenter/api.conf: ');
    expect(err.message).toContain(expected);
  });

  it.each([
    ['[general]', '[genral]', '[genral]: unknown section (did you mean [general]?)'],
    ['[enable]', '[Enabel]', '[enabel]: unknown section (did you mean [enable]?)'],
    ['[ivr]', '[database]\nhost = 127.0.0.1\n[ivr]', '[database]: unknown section (known: [general], [enable], [ami], [cloud], [metrics], [pbx], [ivr])'],
    ['BINDPORT = 8000', 'BINDPROT = 8000', '[general] BINDPROT: unknown key (did you mean BINDPORT?)'],
    ['pop_url =', 'popurl =', '[general] popurl: unknown key (did you mean pop_url?)'],
    // The unknown key is reported, not the required key it was meant to be.
    ['secret = s3cret', 'secert = s3cret', '[ami] secert: unknown key (did you mean secret?)'],
    ['pausetime = no', 'pausetime = no\ncolour = blue', '[enable] colour: unknown key (known: pausetime, wrapup_seconds)'],
    ['\n[general]', 'BINDPORT = 9000\n[general]', 'BINDPORT: is outside any section (put it under [general] or the section it belongs to)'],
  ])('refuses what it does not know, naming the closest known name: %s → %s', (from, to, expected) => {
    expect(errorOf(BOX_CONF.replace(from, to)).message).toBe(`/etc/coocenter/api.conf: ${expected}`);
  });

  it('knows every key of the box\'s own file in any case, and takes any context name in [ivr]', () => {
    const c = parseConfig(
      BOX_CONF.replace('BINDPORT = 8000', 'bindport = 8001\nBindAddr = 127.0.0.1').replace('[ivr]', '[IVR]\nfrom-did-Sales_2 = 611,sales') +
        '[General]\nWEBKEY = other\n',
    );
    expect(c.general).toMatchObject({ bindPort: 8001, bindAddress: '127.0.0.1', webkey: 'other' });
    expect([...c.ivr.keys()]).toEqual(['from-did-Sales_2', 'ivr-Main']);
  });

  it('reads our sections', () => {
    const c = parseConfig(
      BOX_CONF +
        `[ami]\ntech = pjsip\n[cloud]\nurl = wss://cloud.example.com/relay\ntoken = rt_abc\n[pbx]\ntrunks = trunk-provider, carrier2\ninbound_contexts = from-trunk\ntimezone = Europe/Berlin\n[enable]\nwrapup_seconds = 45\n`,
    );
    expect(c.ami.tech).toBe('PJSIP');
    expect(c.cloud).toEqual({ url: 'wss://cloud.example.com/relay', token: 'rt_abc', backfill: false });
    expect(c.pbx.trunks).toEqual(['trunk-provider', 'carrier2']);
    expect(c.pbx.timezone).toBe('Europe/Berlin');
    expect(c.enable.wrapupSeconds).toBe(45);
    const more = (text: string) => parseConfig(BOX_CONF + text);
    expect(more('[ami]\ntech = Auto\n').ami.tech).toBe('auto');
    expect(more('[metrics]\nlisten = off\n').metrics).toEqual({ listen: undefined });
    expect(more('[metrics]\nlisten = 0.0.0.0:9100\n').metrics.listen).toEqual({ host: '0.0.0.0', port: 9100 });
    expect(more('[metrics]\nlisten = [::1]:9464\n').metrics.listen).toEqual({ host: '::1', port: 9464 });
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadConfig('/nonexistent/api.conf')).toThrow('/nonexistent/api.conf: file: cannot read the configuration (ENOENT)');
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'api.conf'), BOX_CONF);
    expect(loadConfig(join(dir, 'api.conf')).general.mac).toBe('68:69:2e:03:8b:3e');
  });
});
