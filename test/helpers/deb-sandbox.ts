/**
 * Install a .deb for real — dpkg, adduser and the maintainer scripts — in a
 * throwaway copy of this machine: a private mount namespace with an overlay
 * over / whose writes land in a tmpfs, then chroot. Nothing reaches the
 * host's users, files or package database. Needs root and CAP_SYS_ADMIN
 * (unshare, overlayfs); `sandboxUnavailable()` says why not when it cannot.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './relay-harness.js';

/** undefined when the sandbox works here, else the reason it does not. */
export function sandboxUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  const r = runInSandbox('true', undefined);
  return r.status === 0 ? undefined : `unshare/overlay not permitted here: ${r.output.trim().split('\n').pop()}`;
}

/** Run `script` (sh) inside the sandbox with the .deb at /tmp/package.deb; output is stdout+stderr. */
export function runInSandbox(script: string, deb: string | undefined): { status: number | null; output: string } {
  const dir = tempDir('deb-sandbox-');
  const inner = join(dir, 'inner.sh');
  writeFileSync(inner, script);
  if (deb) copyFileSync(deb, join(dir, 'package.deb'));
  mkdirSync(join(dir, 'mnt'));
  const outer = [
    'set -e',
    `D=${dir}/mnt`,
    'mount -t tmpfs tmpfs "$D"',
    'mkdir "$D/upper" "$D/work" "$D/root"',
    'mount -t overlay overlay -o "lowerdir=/,upperdir=$D/upper,workdir=$D/work" "$D/root"',
    'mount -t proc proc "$D/root/proc"',
    `cp ${inner} "$D/root/tmp/inner.sh"`,
    deb ? `cp ${dir}/package.deb "$D/root/tmp/package.deb"` : ':',
    'chroot "$D/root" /bin/sh /tmp/inner.sh',
  ].join('\n');
  const r = spawnSync('unshare', ['--mount', '--fork', 'sh', '-c', outer], { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' } });
  // The overlay's writes were in a tmpfs of the namespace, gone with it; only the copy of the .deb is left.
  rmSync(dir, { recursive: true, force: true });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
