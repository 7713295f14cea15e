/**
 * Variants driven through AMI (Originate, Setvar/Getvar, UserEvent, Hangup,
 * state lists during calls) and by an injected clock, checked for Asterisk
 * 20's behaviour and, event by event, for headers some recording shows.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../protocol/src/clock.js';
import { client, closeVariant, first, names, open, settled, sim, until } from './testing/variant-harness.js';

afterEach(closeVariant);

describe('Originate variants', () => {
  it('click-to-call stays up until the AMI hangs it up (no talk time by default)', async () => {
    // On a clock the test drives: an hour of PBX time passes and the call is still up.
    const clock = new ManualClock(Date.UTC(2026, 10, 24, 9, 37, 21));
    await open({ clock, timeScale: 1 });
    const tick = async (ms: number) => {
      clock.advance(ms);
      await new Promise((r) => setImmediate(r));
    };
    await client.action('Originate', { Channel: 'SIP/801', Context: 'from-internal', Exten: '802', Priority: '1', Async: 'true' });
    for (let i = 0; i < 600 && sim.state.bridges.length === 0; i++) await tick(100);
    expect(sim.state.bridges).toHaveLength(1);
    for (let i = 0; i < 60; i++) await tick(60_000);
    expect(sim.state.channels).toHaveLength(2);
    const hung = await client.action('Hangup', { Channel: '/^SIP/80[12]-/' });
    expect(hung.events.filter((e) => e.event === 'ChannelHungup')).toHaveLength(2);
    await until('gone', () => sim.state.channels.length === 0);
    await settled();
  });

  it('amiCallTalkMs ends Originate calls by themselves', async () => {
    await open({ amiCallTalkMs: 3000 });
    await client.action('Originate', { Channel: 'SIP/801', Context: 'from-internal', Exten: '802', Priority: '1', Async: 'true' });
    await until('bridged', () => sim.state.bridges.length === 1);
    await until('ended', () => sim.state.channels.length === 0);
    await settled();
  });

  it('a synchronous Originate that fails is answered Originate failed', async () => {
    await open();
    const r = await client.action('Originate', { Channel: 'SIP/809', Context: 'from-internal', Exten: '802', Priority: '1' });
    expect(r.response.get('Message')).toBe('Originate failed');
    const bad = await client.action('Originate', { Channel: 'SIP/801', Context: 'from-internal', Exten: '999', Priority: '1' });
    expect(bad.response.get('Message')).toBe('Extension does not exist.');
  });

  it('ChanSpy ends with the spied call (option E)', async () => {
    await open();
    const call = sim.call('801', '802', { talkMs: 5000 });
    await until('bridged', () => sim.state.bridges.length === 1);
    await client.action('Originate', { Channel: 'SIP/800', Application: 'ChanSpy', Data: 'SIP/802,qE', Async: 'true' });
    await call;
    await until('all gone', () => sim.state.channels.length === 0);
    const evs = await settled();
    expect(names(evs).filter((n) => n.startsWith('ChanSpy'))).toEqual(['ChanSpyStart', 'ChanSpyStop']);
  });
});

describe('channel variables and user events', () => {
  it('Setvar on a channel emits VarSet; Getvar reads it and CALLERID(num); UserEvent is broadcast', async () => {
    await open();
    const call = sim.call('801', '802', { talkMs: Infinity });
    const ch = await until('bridged', () => sim.state.channels.find((c) => c.name.startsWith('SIP/801-') && c.bridgeId)?.name);
    expect((await client.action('Setvar', { Channel: ch, Variable: 'CRM_TICKET', Value: '42' })).response.get('Message')).toBe('Variable Set');
    expect((await client.action('Getvar', { Channel: ch, Variable: 'CRM_TICKET' })).response.get('Value')).toBe('42');
    expect((await client.action('Getvar', { Channel: ch, Variable: 'CALLERID(num)' })).response.get('Value')).toBe('801');
    expect((await client.action('Getvar', { Channel: 'SIP/999-00000000', Variable: 'X' })).response.get('Message')).toBe('No such channel');
    await client.action('UserEvent', { UserEvent: 'Feedback', Channel: ch, Score: '5' });
    sim.hangup(ch);
    await call;
    const evs = await settled();
    expect(first(evs, 'VarSet', (e) => e.get('Variable') === 'CRM_TICKET')?.get('Channel')).toBe(ch);
    const ue = first(evs, 'UserEvent');
    expect(ue?.fields.slice(0, 6)).toEqual(['Event', 'UserEvent', 'Privilege', 'user,all', 'UserEvent', 'Feedback']);
    expect(ue?.get('Score')).toBe('5');
  });

  it('Hangup of a ringing callee ends the dial with NOANSWER', async () => {
    await open();
    const call = sim.call('801', '803');
    const callee = await until('803 ringing', () => sim.state.channels.find((c) => c.name.startsWith('SIP/803-') && c.state === 5)?.name);
    await client.action('Hangup', { Channel: callee });
    const r = await call;
    expect(r.outcome).toBe('noanswer');
    await settled();
  });
});

describe('state for hints and lists during calls', () => {
  it('ExtensionStateList and CoreShowChannels reflect a live call', async () => {
    await open();
    const call = sim.call('801', '802', { talkMs: Infinity });
    await until('bridged', () => sim.state.bridges.length === 1);
    const hints = await client.action('ExtensionStateList');
    const byExten = Object.fromEntries(hints.events.filter((e) => e.event === 'ExtensionStatus').map((e) => [e.get('Exten'), e.get('StatusText')]));
    expect(byExten['801']).toBe('InUse');
    expect(byExten['802']).toBe('InUse');
    expect(byExten['809']).toBe('Unavailable');
    const chans = await client.action('CoreShowChannels');
    expect(chans.events.filter((e) => e.event === 'CoreShowChannel')).toHaveLength(2);
    const status = await client.action('CoreStatus');
    expect(status.response.get('CoreCurrentCalls')).toBe('2');
    sim.hangup(sim.state.channels[0].name);
    await call;
  });

  it('PJSIP mode: registrations change PJSIPShowContacts; chan_sip actions are unknown', async () => {
    await open({ tech: 'PJSIP' });
    const before = await client.action('PJSIPShowContacts');
    await sim.register('807');
    const after = await client.action('PJSIPShowContacts');
    expect(after.events.length - before.events.length).toBe(1);
    expect((await client.action('SIPpeers')).response.get('Message')).toMatch(/^Invalid\/unknown command: SIPpeers/);
    await sim.unregister('807');
    await settled();
  });

  it('SIP mode: PJSIP actions are unknown', async () => {
    await open();
    expect((await client.action('PJSIPShowEndpoints')).response.get('Message')).toMatch(/^Invalid\/unknown command: PJSIPShowEndpoints/);
  });
});

describe('injected clock', () => {
  it('a ManualClock drives a call step by step with exact durations', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 24, 9, 37, 21));
    await open({ clock, timeScale: 1 });
    let done = false;
    const call = sim.call('801', '802').then((r) => ((done = true), r));
    const step = async (ms: number) => {
      for (let t = 0; t < ms; t += 100) {
        clock.advance(100);
        await new Promise((r) => setImmediate(r));
      }
    };
    await step(1000);
    expect(sim.state.bridges).toHaveLength(0);
    await step(1000);
    expect(sim.state.bridges).toHaveLength(1);
    await step(5000);
    expect(done).toBe(false);
    await step(1000);
    const r = await call;
    expect(r.outcome).toBe('answered');
    const evs = await settled();
    const cdr = first(evs, 'Cdr');
    expect(cdr?.get('Duration')).toBe('7');
    expect(cdr?.get('BillableSeconds')).toBe('6');
    expect(first(evs, 'Newchannel')?.get('Uniqueid')).toBe(`${Date.UTC(2026, 10, 24, 9, 37, 21) / 1000}.0`);
  });
});
