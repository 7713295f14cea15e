/**
 * `npm run package`: the three release files, built once into a temp
 * directory. The executable and the .mjs run from a directory outside the
 * repository with no node_modules reachable, against the PBX simulator over
 * real TCP; the .deb is read back with dpkg-deb, its unit checked with
 * systemd-analyze where that exists.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type PbxSimulator } from '../../simulator/src/index.js';
import { LAB_QUEUES } from '../helpers/box-world.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { runInSandbox, sandboxUnavailable } from '../helpers/deb-sandbox.js';
import { reachableNodeModules, startReleasedRelay } from '../helpers/released-relay.js';
import { expectedConf, setConf, tempDir as tempRoot } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const NAMES = {
  mjs: `coocenter-relay-${version}.mjs`,
  executable: `coocenter-relay-${version}-linux-x64`,
  deb: `coocenter-relay_${version}_amd64.deb`,
};

/** Everything this file writes (~0.5 GB: the executable is copied and unpacked several times), removed at the end. */
const scratch = tempRoot('release-test-');
const tempDir = (prefix: string) => mkdtempSync(join(scratch, prefix));
let out: string;
const deb = () => join(out, NAMES.deb);
let buildOutput: string;
let sim: PbxSimulator;
let receiver: Receiver;

beforeAll(async () => {
  out = tempDir('release-');
  const built = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['dist/scripts/package/index.js', '--out', out]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  expect(built.stderr).toBe('');
  expect(built.code).toBe(0);
  buildOutput = built.stdout;
  console.log(`npm run package (into a temp dir):\n${buildOutput}`);
  sim = await startSimulator({ port: 0, timeScale: 0.01 });
  receiver = await startReceiver();
}, 180_000);

afterAll(async () => {
  await sim?.close();
  await receiver?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A host directory for one run: outside the repository, no node_modules on the way up. */
function hostDir(prefix: string): string {
  const dir = tempDir(prefix);
  expect(dir.startsWith(process.cwd())).toBe(false);
  expect(reachableNodeModules(dir)).toEqual([]);
  return dir;
}

function relayConf(dir: string): string {
  let conf = expectedConf('api.conf');
  conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: receiver.url });
  conf = setConf(conf, 'ami', { port: sim.port });
  // Its own health port: the default 9464 may be another relay's on this machine.
  conf = setConf(conf, 'metrics', { listen: '127.0.0.1:0' });
  return setConf(conf, 'pbx', { monitor_dir: join(dir, 'monitor') });
}

/** What call-answered-basic pushes, without the values that differ per run (times, ids, channel numbers). */
function callShape(events: Array<Record<string, unknown>>): string[] {
  return events.map((e) => [e.event, e.exten ?? e.calleridnum ?? '', e.status ?? e.destcalleridnum ?? '', e.mac].join(' '));
}
const expectedCall = callShape(
  (JSON.parse(readFileSync('test/fixtures/expected/call-answered-basic.json', 'utf8')) as { events: Array<Record<string, unknown>> }).events,
);

describe.each([
  ['the single executable', () => [join(out, NAMES.executable), []] as const, true],
  ['the .mjs under plain node', () => [process.execPath, [join(out, NAMES.mjs)]] as const, false],
])('%s, run on a host with no node_modules', (_name, command, copy) => {
  it('logs in to the PBX, answers the box API with its data, pushes a call\'s events, stops on SIGTERM', async () => {
    const dir = hostDir('pbx-host-');
    mkdirSync(join(dir, 'monitor'));
    let [file, args] = command();
    if (copy) {
      copyFileSync(file, join(dir, 'coocenter-relay'));
      file = join(dir, 'coocenter-relay');
    }
    const relay = await startReleasedRelay(file, [...args], { cwd: dir, conf: relayConf(dir) });
    try {
      for (const msg of ['ami session ready', 'snapshot applied']) {
        await waitFor(() => relay.logs.some((l) => l.msg === msg), { timeoutMs: 10_000, what: `"${msg}" in the relay's log` });
      }
      const lan = `http://127.0.0.1:${relay.lanPort}/coocenter-api`;
      const queues = await fetch(`${lan}/queues/queue-info`);
      expect(queues.status).toBe(200);
      expect(await queues.json()).toEqual({ status: 'success', message: 'Queue status will follow', data: LAB_QUEUES });

      const before = receiver.received.length;
      await sim.call('801', '802', { talkMs: 500 });
      await receiver.waitForCount(before + expectedCall.length);
      const pushed = receiver.events().slice(before);
      expect(callShape(pushed)).toEqual(expectedCall);
      expect(relay.other).toEqual([]);
    } finally {
      expect(await relay.stop()).toBe(0);
    }
    expect(relay.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('reports its version from package.json', () => {
    const [file, args] = command();
    const r = spawnSync(file, [...args, '--version'], { cwd: hostDir('pbx-host-'), env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, `coocenter-relay ${version}\n`, '']);
  });
});

describe('the Debian package', () => {
  const dpkg = (...args: string[]) => execFileSync('dpkg-deb', [...args], { encoding: 'utf8' });

  it('holds the executable, the unit, the conffile and the copyright, with their modes, all root-owned', () => {
    const entries = dpkg('-c', deb())
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/))
      .filter((f) => !f[0].startsWith('d'))
      .map((f) => `${f[0]} ${f[1]} ${f[5]}`);
    expect(entries.sort()).toEqual([
      '-rw-r----- root/root ./etc/coocenter/api.conf',
      '-rw-r--r-- root/root ./lib/systemd/system/coocenter-relay.service',
      '-rw-r--r-- root/root ./usr/share/doc/coocenter-relay/copyright',
      '-rwxr-xr-x root/root ./usr/bin/coocenter-relay',
    ]);
    const root = tempDir('deb-root-');
    dpkg('-x', deb(), root);
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    expect(sha(join(root, 'usr/bin/coocenter-relay'))).toBe(sha(join(out, NAMES.executable)));
    expect(readFileSync(join(root, 'usr/share/doc/coocenter-relay/copyright'), 'utf8')).toMatch(/^Files: \(bundled\) ws \d/m);
  });

  it('says what it is: name, version of package.json, amd64, its dependencies, the conffile', () => {
    const control = dpkg('-f', deb());
    expect(control).toMatch(/^Package: coocenter-relay$/m);
    expect(control).toContain(`\nVersion: ${version}\n`);
    expect(control).toMatch(/^Architecture: amd64$/m);
    expect(control).toMatch(/^Depends: adduser, libc6 \(>= 2\.\d+\), libstdc\+\+6, libgcc-s1 \| libgcc1$/m);
    const info = dpkg('-I', deb());
    for (const script of ['postinst', 'prerm', 'postrm', 'conffiles']) expect(info).toContain(` ${script}`);
    const controlDir = tempDir('deb-control-');
    dpkg('-e', deb(), controlDir);
    expect(readFileSync(join(controlDir, 'conffiles'), 'utf8')).toBe('/etc/coocenter/api.conf\n');
    for (const script of ['postinst', 'prerm', 'postrm']) {
      expect(statSync(join(controlDir, script)).mode & 0o777).toBe(0o755);
      expect(spawnSync('sh', ['-n', join(controlDir, script)]).status).toBe(0);
    }
  });

  it('ships an api.conf that check-config accepts once the AMI user is filled in, and nothing it would refuse', () => {
    const root = tempDir('deb-conf-');
    dpkg('-x', deb(), root);
    const check = (file: string) => spawnSync(join(out, NAMES.executable), ['check-config', '--config', file], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    const shipped = join(root, 'etc/coocenter/api.conf');
    const fresh = check(shipped);
    expect([fresh.status, fresh.stderr]).toEqual([2, `coocenter-relay: ${shipped}: [ami] username: is required and missing\n`]);
    const filled = join(root, 'filled.conf');
    writeFileSync(filled, readFileSync(shipped, 'utf8').replace('username =\n', 'username = relay\n').replace('secret =\n', 'secret = s3cret\n'));
    const ok = check(filled);
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toContain('BINDPORT = 8000\n');
  });

  it('has a unit that systemd-analyze verify accepts without a warning', (ctx) => {
    const unit = 'lib/systemd/system/coocenter-relay.service';
    const root = tempDir('deb-unit-');
    dpkg('-x', deb(), root);
    const text = readFileSync(join(root, unit), 'utf8');
    for (const line of [
      'User=coocenter-relay',
      'ExecStart=/usr/bin/coocenter-relay run --config /etc/coocenter/api.conf',
      'StateDirectory=coocenter-relay',
      'Environment=DATA_DIR=%S/coocenter-relay',
      'Restart=on-failure',
      'RestartPreventExitStatus=2',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'ReadOnlyPaths=-/var/spool/asterisk/monitor -/var/log/asterisk/cdr-csv/Master.csv -/var/log/asterisk/queue_log',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    if (spawnSync('systemd-analyze', ['--version']).error) {
      console.warn('systemd-analyze is not installed here: the unit file was not verified by systemd');
      ctx.skip();
      return;
    }
    // The units it refers to (multi-user.target, …) come from this host's systemd.
    cpSync('/lib/systemd/system', join(root, 'lib/systemd/system'), { recursive: true, force: false, errorOnExist: false });
    const verified = spawnSync('systemd-analyze', ['verify', `--root=${root}`, 'coocenter-relay.service'], { encoding: 'utf8' });
    expect([verified.status, verified.stdout + verified.stderr]).toEqual([0, '']);
  });
});

describe('the Debian package installed for real, in a sandbox copy of this machine', () => {
  const unavailable = sandboxUnavailable();
  if (unavailable) console.warn(`maintainer scripts not run: ${unavailable}`);

  it.skipIf(unavailable !== undefined)('installs, upgrades, removes and purges cleanly, any number of times', () => {
    const state = [
      'getent passwd coocenter-relay | cut -d: -f1,3,6,7',
      'id -nG coocenter-relay 2>&1',
      'stat -c "conf %a %U %G" /etc/coocenter/api.conf 2>&1',
      'readlink /etc/systemd/system/multi-user.target.wants/coocenter-relay.service || echo "not enabled"',
      'readlink /etc/systemd/system/coocenter-relay.service || echo "not masked"',
      'test -x /usr/bin/coocenter-relay && echo "binary present" || echo "binary absent"',
      'test -d /var/lib/coocenter-relay && echo "data present" || echo "data absent"',
      'test -e /etc/coocenter && echo "etc present" || echo "etc absent"',
      'cat /tmp/service-actions 2>/dev/null; rm -f /tmp/service-actions',
    ].join('\n');
    /** One dpkg step: its marker, its output, its exit code, then the state it left. */
    const step = (name: string, command: string) => `echo "== ${name}"\n${command} 2>&1\necho "exit $?"\n${state}`;
    const r = runInSandbox(
      [
        'addgroup --system --quiet asterisk',
        // As on a host where systemd runs: postinst checks the configuration before starting.
        'mkdir -p /run/systemd/system',
        // Debian's policy layer (what containers use to keep services down) records each
        // start, restart or stop deb-systemd-invoke asks for, and refuses it (101).
        "printf '#!/bin/sh\\necho \"service-action $*\" >> /tmp/service-actions\\nexit 101\\n' > /usr/sbin/policy-rc.d",
        'chmod 755 /usr/sbin/policy-rc.d',
        step('install', 'dpkg -i /tmp/package.deb'),
        "sed -i -e 's/^username =$/username = relay/' -e 's/^secret =$/secret = s3cret/' /etc/coocenter/api.conf",
        step('upgrade', 'dpkg -i /tmp/package.deb'),
        'grep -c "^username = relay$" /etc/coocenter/api.conf',
        'mkdir -p /var/lib/coocenter-relay/spool',
        step('remove', 'dpkg -r coocenter-relay'),
        step('reinstall', 'dpkg -i /tmp/package.deb'),
        step('purge', 'dpkg -P coocenter-relay'),
      ].join('\n'),
      deb(),
    );
    expect(r.status, r.output).toBe(0);
    const sections = new Map(r.output.split(/^== /m).slice(1).map((part) => [part.slice(0, part.indexOf('\n')), part] as const));
    for (const name of ['install', 'upgrade', 'remove', 'reinstall', 'purge']) expect(sections.get(name), r.output).toContain('\nexit 0\n');
    const [install, upgrade, remove, reinstall, purge] = ['install', 'upgrade', 'remove', 'reinstall', 'purge'].map((n) => sections.get(n)!);
    // A system user without a home or a login, in group asterisk; the conffile readable by its group only; enabled.
    const user = /^coocenter-relay:(\d+):\/nonexistent:\/usr\/sbin\/nologin$/m.exec(install);
    expect(user, install).not.toBeNull();
    expect(install).toMatch(/^coocenter-relay asterisk$/m);
    expect(install).toContain('conf 640 root coocenter-relay\n');
    expect(install).toContain('\n/lib/systemd/system/coocenter-relay.service\n');
    // The template has no AMI user yet: not started, and the administrator is told what to do.
    expect(install).toContain('coocenter-relay: not started: /etc/coocenter/api.conf needs editing');
    expect(install).not.toContain('service-action');
    // Upgrade: the same user, the edited conffile kept as edited and with its mode; valid now, so (re)started.
    expect(upgrade).toContain(`\ncoocenter-relay:${user![1]}:/nonexistent:/usr/sbin/nologin\n`);
    expect(upgrade).toContain('conf 640 root coocenter-relay\n');
    expect(upgrade).not.toContain('not started');
    expect(upgrade).toMatch(/^service-action coocenter-relay\.service restart$/m);
    expect(upgrade.trimEnd().split('\n').pop()).toBe('1');
    // Remove: binary gone, unit masked, configuration and data kept.
    expect(remove).toContain('binary absent');
    expect(remove).toContain('\n/dev/null\n');
    expect(remove).toContain('conf 640 root coocenter-relay\n');
    expect(remove).toContain('data present');
    expect(remove).toMatch(/^service-action coocenter-relay\.service stop$/m);
    expect(reinstall).toContain('binary present');
    expect(reinstall).toContain('not masked');
    // Purge: configuration, data, mask and enable link gone; the user stays (files elsewhere may be its).
    for (const gone of ['not enabled', 'not masked', 'data absent', 'etc absent', 'binary absent']) expect(purge).toContain(gone);
    expect(purge).toContain(`\ncoocenter-relay:${user![1]}:`);
  });
});
