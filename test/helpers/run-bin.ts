/**
 * Run one of our programs as a user does (bin/<name>.js, compiled) and
 * collect what it printed and how it ended.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runBin(bin: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join('bin', bin), ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
