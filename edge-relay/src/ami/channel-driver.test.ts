import { describe, expect, it } from 'vitest';
import { chooseTech, type ChannelDrivers } from './channel-driver.js';

/** What ModuleCheck said about chan_sip.so and chan_pjsip.so (undefined: it could not say). */
const has = (SIP: boolean | undefined, PJSIP: boolean | undefined, unknownBecause?: string): ChannelDrivers => ({ SIP, PJSIP, unknownBecause });

describe('choosing the channel driver after login', () => {
  it('auto (the default): chan_sip when Asterisk has it, else chan_pjsip', () => {
    expect(chooseTech('auto', has(true, false))).toEqual({ ok: true, tech: 'SIP' });
    expect(chooseTech('auto', has(true, true))).toEqual({ ok: true, tech: 'SIP' });
    // Asterisk 21 and later: no chan_sip at all.
    expect(chooseTech('auto', has(false, true))).toEqual({ ok: true, tech: 'PJSIP' });
  });

  it('auto with neither driver: refused, saying so', () => {
    expect(chooseTech('auto', has(false, false))).toEqual({
      ok: false,
      tech: 'SIP',
      reason: 'Asterisk has neither chan_sip nor chan_pjsip loaded: the extension and queue commands cannot work',
    });
  });

  it('auto when Asterisk would not say (no `system` write permission): chan_sip, with a note to set tech', () => {
    const c = chooseTech('auto', has(undefined, undefined, 'Permission denied'));
    expect(c).toMatchObject({ ok: true, tech: 'SIP' });
    expect(c.ok && c.note).toContain('(Permission denied)');
  });

  it('tech = SIP on a PBX without chan_sip is refused with what to change', () => {
    expect(chooseTech('SIP', has(false, true))).toEqual({
      ok: false,
      tech: 'SIP',
      reason: '[ami] tech = SIP, but Asterisk has no chan_sip loaded (Asterisk 21 and later have none); chan_pjsip is loaded: set tech = PJSIP, or remove tech to detect it',
    });
    expect(chooseTech('PJSIP', has(true, false))).toEqual({
      ok: false,
      tech: 'PJSIP',
      reason: '[ami] tech = PJSIP, but Asterisk has no chan_pjsip loaded; chan_sip is loaded: set tech = SIP, or remove tech to detect it',
    });
  });

  it('an explicit tech is trusted when Asterisk has it or would not say', () => {
    expect(chooseTech('SIP', has(true, false))).toEqual({ ok: true, tech: 'SIP' });
    expect(chooseTech('PJSIP', has(false, true))).toEqual({ ok: true, tech: 'PJSIP' });
    expect(chooseTech('PJSIP', has(undefined, undefined, 'Permission denied'))).toEqual({ ok: true, tech: 'PJSIP' });
  });
});
