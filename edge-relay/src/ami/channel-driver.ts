/**
 * Which SIP channel driver the PBX has, and so which device names and peer
 * listings the box API must use: `SIP/801` and SIPpeers (chan_sip), or
 * `PJSIP/801` and PJSIPShowEndpoints (chan_pjsip). Asterisk 21 removed
 * chan_sip, so a relay must not assume it.
 *
 * Asked after every login with ModuleCheck, answered as manager.c's
 * manager_modulecheck does: `Response: Success` (and an empty `Version:`)
 * when the module is loaded, `Response: Error` with `Message: Module not
 * loaded` when it is not. Any other refusal (`Permission denied`: the manager
 * user lacks `system` in its `write=`) leaves the question open.
 */

import type { ActionFields } from '../../../ami-codec/src/encoder.js';
import type { ActionOptions, AmiReply } from './client.js';
import { isAmiError } from './errors.js';

export type Tech = 'SIP' | 'PJSIP';
/** `[ami] tech`: a driver, or `auto` (the default): chan_sip when loaded, else chan_pjsip. */
export type TechSetting = Tech | 'auto';

/** The module each driver lives in. */
export const DRIVER_MODULE: Readonly<Record<Tech, string>> = { SIP: 'chan_sip.so', PJSIP: 'chan_pjsip.so' };

/** Whether the module is loaded; undefined when Asterisk did not say. */
export type Loaded = boolean | undefined;

export interface ChannelDrivers {
  SIP: Loaded;
  PJSIP: Loaded;
  /** Why a question stayed open (Asterisk's message), for the log. */
  unknownBecause?: string;
}

/** The driver the commands use, or why none can serve them. */
export type TechChoice = { ok: true; tech: Tech; note?: string } | { ok: false; tech: Tech; reason: string };

/** The part of the AMI client this needs. */
export interface ModuleChecker {
  action(action: string, fields?: ActionFields, options?: ActionOptions): Promise<AmiReply>;
}

/** Ask Asterisk about both drivers (two ModuleCheck actions, in parallel). */
export async function checkChannelDrivers(ami: ModuleChecker, timeoutMs: number): Promise<ChannelDrivers> {
  const out: ChannelDrivers = { SIP: undefined, PJSIP: undefined };
  await Promise.all(
    (Object.keys(DRIVER_MODULE) as Tech[]).map(async (tech) => {
      try {
        await ami.action('ModuleCheck', { Module: DRIVER_MODULE[tech] }, { timeoutMs });
        out[tech] = true;
      } catch (err) {
        if (isAmiError(err, 'AMI_ACTION_FAILED') && /module not loaded/i.test(err.amiMessage ?? '')) out[tech] = false;
        else if (isAmiError(err, 'AMI_ACTION_FAILED') || isAmiError(err, 'AMI_TIMEOUT')) out.unknownBecause ??= err.amiMessage ?? err.message;
        else throw err; // the session dropped: the next login asks again
      }
    }),
  );
  return out;
}

const NAME: Record<Tech, string> = { SIP: 'chan_sip', PJSIP: 'chan_pjsip' };

/** Pure: the setting and what Asterisk has → the driver to use, or a refusal that says what to change. */
export function chooseTech(setting: TechSetting, drivers: ChannelDrivers): TechChoice {
  if (setting !== 'auto') {
    if (drivers[setting] !== false) return { ok: true, tech: setting };
    const other: Tech = setting === 'SIP' ? 'PJSIP' : 'SIP';
    const hint = drivers[other] === true ? `; ${NAME[other]} is loaded: set tech = ${other}, or remove tech to detect it` : '';
    const why = setting === 'SIP' ? ' (Asterisk 21 and later have none)' : '';
    return { ok: false, tech: setting, reason: `[ami] tech = ${setting}, but Asterisk has no ${NAME[setting]} loaded${why}${hint}` };
  }
  if (drivers.SIP === true) return { ok: true, tech: 'SIP' };
  if (drivers.PJSIP === true) return { ok: true, tech: 'PJSIP' };
  if (drivers.SIP === false && drivers.PJSIP === false) {
    return { ok: false, tech: 'SIP', reason: 'Asterisk has neither chan_sip nor chan_pjsip loaded: the extension and queue commands cannot work' };
  }
  return { ok: true, tech: 'SIP', note: `could not ask Asterisk which channel driver it has (${drivers.unknownBecause ?? 'no answer'}); assuming chan_sip: set [ami] tech to be sure` };
}
