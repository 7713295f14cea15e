/**
 * docs/errors.md against the code tables: every code of the cloud's /v1
 * errors (with its status), every box API status the document describes,
 * the relay's AMI and tunnel error codes (with whether they are
 * recoverable), the tunnel's close codes and fatal error frames. A code
 * added in the source and not in the document, or the other way round,
 * fails here.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../cloud/src/api/errors.js';
import { BOX_ERRORS } from '../../cloud/src/openapi/box.js';
import { AMI_ERROR_CODES, amiError } from '../../edge-relay/src/ami/errors.js';
import { TUNNEL_ERROR_CODES, TunnelError } from '../../edge-relay/src/tunnel/connection.js';
import { REPO_ROOT } from '../../infra/lib/paths.js';
import { CloseCode, FatalErrorCode } from '../../protocol/src/wire/frames.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');

/** The rows of the tables under a `## ` heading: cells without their backticks. */
function rows(heading: string): string[][] {
  const at = doc.indexOf(`\n## ${heading}\n`);
  expect(at, heading).toBeGreaterThan(-1);
  const end = doc.indexOf('\n## ', at + 1);
  const section = doc.slice(at, end < 0 ? undefined : end);
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .map((line) => line.slice(2, -2).split(' | ').map((cell) => cell.replace(/^`|`$/g, '')))
    .filter((cells) => !['code', 'status'].includes(cells[0]));
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

describe('docs/errors.md', () => {
  it('lists every /v1 code with its status', () => {
    const listed = rows('`/v1` errors').map(([code, status]) => [code, Number(status)]);
    expect(listed).toEqual(Object.entries(API_ERRORS).map(([code, spec]) => [code, spec.status]));
  });

  it('lists every box API status the API document describes', () => {
    expect(rows('Box API errors').map(([status]) => Number(status))).toEqual(Object.keys(BOX_ERRORS).map(Number));
  });

  it('lists every relay AMI error code, and whether it is recoverable', () => {
    const listed = rows('Relay: AMI errors').map(([code, recoverable]) => [code, recoverable]);
    expect(listed.sort()).toEqual(AMI_ERROR_CODES.map((code) => [code, yesNo(amiError(code, '').recoverable)]).sort());
  });

  it('lists every relay tunnel error code, and whether it is recoverable', () => {
    const listed = rows('Relay: tunnel errors').map(([code, recoverable]) => [code, recoverable]);
    expect(listed.sort()).toEqual(TUNNEL_ERROR_CODES.map((code) => [code, yesNo(new TunnelError(code, '').recoverable)]).sort());
  });

  it('lists every tunnel close code and fatal error frame', () => {
    const tables = rows('Tunnel close codes');
    const closes = tables.filter((cells) => cells.length === 3).map(([code, name]) => [Number(code), name]);
    expect(closes).toEqual(Object.entries(CloseCode).map(([name, code]) => [code, name]));
    const fatal = tables.filter((cells) => cells.length === 2).map(([code]) => code);
    expect(fatal).toEqual(Object.values(FatalErrorCode));
  });
});
