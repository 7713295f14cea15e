/**
 * Whether the AMI side can serve the box API, for everything that reports it
 * (the tunnel's status frames, /readyz, the cloud's ami.down): the session is
 * logged in AND the channel driver the commands need is there. After every
 * login the driver is asked for (channel-driver.ts); until it has answered,
 * and when the configured `[ami] tech` is one Asterisk cannot serve, AMI is
 * not ready and `reason` says why. A refused tech is logged once, as an
 * error, in one line that says what to change.
 *
 * `change` counts the changes of this state: a statement of it with a higher
 * number is the newer one (frames that carry it may be handled out of order
 * in the cloud).
 */

import { EventEmitter } from 'node:events';
import type { Logger } from '../../../protocol/src/log.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import { checkChannelDrivers, chooseTech, type Tech, type TechSetting } from './channel-driver.js';
import type { AmiClient } from './client.js';
import type { AmiError } from './errors.js';

export interface AmiReadinessState {
  ready: boolean;
  /** Why not ready (Asterisk unreachable, login refused, the driver missing). */
  reason?: string;
  /** The driver the commands use (the setting's, or the one detected). */
  tech: Tech;
  /** Counts changes of this state, from 0. */
  change: number;
}

export interface AmiReadinessOptions {
  ami: AmiClient;
  tech: TechSetting;
  logger: Logger;
  /** How long the ModuleCheck actions may take. */
  timeoutMs: number;
}

export class AmiReadiness extends EventEmitter<{ change: [AmiReadinessState] }> {
  private _state: AmiReadinessState;
  /** Bumped at every login and loss, so a driver check of an earlier session is dropped. */
  private session = 0;
  /** The refusal last logged, so a relay that logs in again and again says it once. */
  private logged?: string;
  /** This session's refusal of the configured driver. */
  private refusal?: string;
  /** The driver check of this session, while it runs. */
  private checking?: Promise<void>;
  private readonly log: Logger;

  constructor(private readonly opts: AmiReadinessOptions) {
    super();
    this.log = opts.logger.child({ [LogField.component]: 'ami' });
    this._state = { ready: false, reason: 'not connected to Asterisk yet', tech: opts.tech === 'auto' ? 'SIP' : opts.tech, change: 0 };
  }

  get state(): AmiReadinessState {
    return this._state;
  }

  /** The driver the box commands use now. */
  get tech(): Tech {
    return this._state.tech;
  }

  /**
   * Resolves once this session's driver check is done: with the refusal
   * every command must answer with (logged in, but the driver is missing),
   * or undefined. Commands wait for it, so none runs with a driver the check
   * is about to change.
   */
  async refused(): Promise<string | undefined> {
    await this.checking;
    return this.opts.ami.connected ? this.refusal : undefined;
  }

  start(): void {
    this.opts.ami.on('ready', this.onReady);
    this.opts.ami.on('disconnected', this.onLost);
  }

  stop(): void {
    this.opts.ami.off('ready', this.onReady);
    this.opts.ami.off('disconnected', this.onLost);
  }

  private set(next: Omit<AmiReadinessState, 'change'>): void {
    const s = this._state;
    if (s.ready === next.ready && s.reason === next.reason && s.tech === next.tech) return;
    this._state = { ...next, change: s.change + 1 };
    this.emit('change', this._state);
  }

  private readonly onLost = (err: AmiError): void => {
    this.session++;
    this.checking = this.refusal = undefined;
    this.set({ ready: false, reason: err.message, tech: this._state.tech });
  };

  private readonly onReady = (): void => {
    // Not ready until the check has answered (milliseconds); the state keeps the last reason till then.
    const session = ++this.session;
    this.refusal = undefined;
    const checking = checkChannelDrivers(this.opts.ami, this.opts.timeoutMs).then(
      (drivers) => {
        if (session !== this.session) return;
        this.checking = undefined;
        const choice = chooseTech(this.opts.tech, drivers);
        if (!choice.ok) {
          if (this.logged !== choice.reason) this.log.error(choice.reason, { drivers: { chan_sip: drivers.SIP, chan_pjsip: drivers.PJSIP } });
          this.logged = this.refusal = choice.reason;
          this.set({ ready: false, reason: choice.reason, tech: choice.tech });
          return;
        }
        this.logged = undefined;
        if (choice.note) this.log.warn(choice.note);
        else if (this.opts.tech === 'auto') this.log.info('channel driver detected', { tech: choice.tech });
        this.set({ ready: true, tech: choice.tech });
      },
      // The session dropped while asking: onLost has said so.
      () => undefined,
    );
    this.checking = checking;
  };
}
