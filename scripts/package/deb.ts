/**
 * The Debian package: the single executable as /usr/bin/coocenter-relay, its
 * systemd unit, /etc/coocenter/api.conf as a conffile, and maintainer scripts
 * (scripts/package/deb/), built with dpkg-deb.
 */

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const DEB_NAME = 'coocenter-relay';

/** Node's process.arch → Debian's architecture name. */
export const DEB_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

export interface DebOptions {
  root: string;
  version: string;
  arch: string;
  /** The single executable to ship as /usr/bin/coocenter-relay. */
  executable: string;
  /** npm packages inside the executable, for the copyright file. */
  bundled: string[];
  workDir: string;
  output: string;
}

/** What goes where in the package, with its mode (owner root:root in the archive). */
function layout(o: DebOptions): Array<{ path: string; mode: number; from?: string; text?: string }> {
  const assets = join(o.root, 'scripts', 'package', 'deb');
  return [
    { path: 'usr/bin/coocenter-relay', mode: 0o755, from: o.executable },
    { path: 'lib/systemd/system/coocenter-relay.service', mode: 0o644, from: join(assets, 'coocenter-relay.service') },
    // 0640 already in the archive; postinst gives it the service's group.
    { path: 'etc/coocenter/api.conf', mode: 0o640, from: join(assets, 'api.conf') },
    { path: 'usr/share/doc/coocenter-relay/copyright', mode: 0o644, text: copyright(o) },
    { path: 'DEBIAN/conffiles', mode: 0o644, text: '/etc/coocenter/api.conf\n' },
    ...['postinst', 'prerm', 'postrm'].map((s) => ({ path: `DEBIAN/${s}`, mode: 0o755, from: join(assets, s) })),
  ];
}

export function buildDeb(o: DebOptions): void {
  const stage = join(o.workDir, 'deb');
  for (const file of layout(o)) {
    const to = join(stage, file.path);
    mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
    if (file.from) copyFileSync(file.from, to);
    else writeFileSync(to, file.text!);
    chmodSync(to, file.mode);
  }
  writeFileSync(join(stage, 'DEBIAN', 'control'), control(o, installedSizeKb(o)));
  // --root-owner-group: every file root:root without fakeroot. gzip: any
  // dpkg reads it, and it takes seconds where xz takes most of a minute on
  // Node's ~100 MB binary here.
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z6', '--build', stage, o.output], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function installedSizeKb(o: DebOptions): number {
  return layout(o).reduce((kb, f) => kb + Math.ceil((f.from ? statSync(f.from).size : Buffer.byteLength(f.text!)) / 1024), 0);
}

/** The oldest glibc the executable runs on: the newest GLIBC_ symbol version Node links against. */
function minimumGlibc(executable: string): string {
  const versions = readFileSync(executable)
    .toString('latin1')
    .match(/GLIBC_2\.\d+/g) ?? ['GLIBC_2.17'];
  return versions.map((v) => v.slice('GLIBC_'.length)).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])).pop()!;
}

function control(o: DebOptions, installedKb: number): string {
  return [
    `Package: ${DEB_NAME}`,
    `Version: ${o.version}`,
    `Architecture: ${o.arch}`,
    'Maintainer: coocenter <relay@coocenter.invalid>',
    `Installed-Size: ${installedKb}`,
    // Node's binary needs the C and C++ runtimes; adduser makes the service user.
    `Depends: adduser, libc6 (>= ${minimumGlibc(o.executable)}), libstdc++6, libgcc-s1 | libgcc1`,
    'Recommends: init-system-helpers',
    'Section: net',
    'Priority: optional',
    'Description: coocenter edge relay for Asterisk call centers',
    ' Holds one AMI session to Asterisk and one outbound connection to the',
    ' coocenter cloud, and serves the old call-center box\'s HTTP API and event',
    ' pushes on the LAN. A single executable: Node.js is inside.',
    '',
  ].join('\n');
}

function copyright(o: DebOptions): string {
  const parts = [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    `Upstream-Name: ${DEB_NAME}`,
    `Comment: /usr/bin/coocenter-relay is the Node.js ${process.version} runtime (MIT and the`,
    ' licences of its components: https://github.com/nodejs/node/blob/main/LICENSE) with the',
    ' npm packages below bundled in.',
    '',
    'Files: *',
    'Copyright: coocenter',
    // package.json is private and names no licence.
    'License: UNLICENSED',
  ];
  for (const name of o.bundled) {
    const dir = join(o.root, 'node_modules', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; license?: string };
    const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license'].map((f) => join(dir, f)).find((f) => existsSync(f));
    parts.push('', `Files: (bundled) ${name} ${pkg.version}`, `License: ${pkg.license ?? 'see the package'}`);
    if (file) parts.push(...readFileSync(file, 'utf8').trim().split('\n').map((l) => (l.trim() === '' ? ' .' : ` ${l}`)));
  }
  return parts.join('\n') + '\n';
}
