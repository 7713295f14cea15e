/**
 * The agent toolbar's commands: the box API of one site through the cloud
 * (`/sites/{siteId}/coocenter-api/…`, README "The box API per site"), with
 * the session's key, the box's own fields (coocenter-api.md). The cloud
 * takes JSON as well as the box's form encoding; a refusal is the box's
 * `{"status":"error","message"}`, worded for the reader by failure.ts from
 * its status, with the message beside it.
 */

import type { Api } from './client.js';

export interface BoxAnswer {
  status: 'success';
  message?: string;
}

const seg = encodeURIComponent;

export class SiteBox {
  constructor(
    readonly api: Api,
    readonly siteId: string,
  ) {}

  private post(path: string, fields: Record<string, string>): Promise<BoxAnswer> {
    return this.api.send('POST', `/sites/${seg(this.siteId)}/coocenter-api/${path}`, fields);
  }

  /** 置忙 (pause, `on`) or 置閑 (unpause, `off`) the extension in one queue. */
  pause(queue: string, extension: string, paused: boolean): Promise<BoxAnswer> {
    return this.post('queues/agent-pause', { queue, member: extension, state: paused ? 'on' : 'off' });
  }

  login(queue: string, extension: string): Promise<BoxAnswer> {
    return this.post('queues/agent-login', { extension, queue });
  }

  logout(queue: string, extension: string): Promise<BoxAnswer> {
    return this.post('queues/agent-logout', { extension, queue });
  }

  /** Click-to-call: the PBX rings `extension` first, then dials `number`. */
  call(extension: string, number: string): Promise<BoxAnswer> {
    return this.post('extensions/click-number', { src: extension, dst: number });
  }

  hangup(extension: string): Promise<BoxAnswer> {
    return this.post('extensions/hangup', { extension });
  }

  /** The call the extension is in goes to `to`. */
  transfer(extension: string, to: string): Promise<BoxAnswer> {
    return this.post('extensions/transfer', { src: extension, dst: to });
  }
}
