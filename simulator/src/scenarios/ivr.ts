/**
 * The lab IVR (`ivr-main`): a menu played with BackGround, WaitExten for a
 * choice, `i` for invalid keys, `t` for silence, 1 → queue 630, 2 → Read an
 * account number into AstDB, 3 → Dial the operator 802. DTMF arrives as RFC
 * 2833 (DTMFBegin + DTMFEnd) or SIP INFO (DTMFEnd only). Follows
 * ivr-dtmf-rfc2833.ami.
 */

import { ChannelState, type Channel } from '../model/channel.js';
import { waitAlone, PROMPT_MS } from './apps.js';
import type { ScenarioContext } from './context.js';
import { openCdr, runPlace, setUserField, settleCdrs, type RunEnv } from './dialplan.js';
import { dialAndTalk, hangupApp } from './internal.js';
import { endLoneChannel } from './teardown.js';

export interface IvrPlan {
  /** Keys the caller presses, in order: menu choices, then an account number ended by `#`. */
  digits: string;
  dtmf: 'rfc2833' | 'info';
  /** How long the caller waits before each key (simulated ms, by index); default the lab's pace. */
  delaysMs?: number[];
}

/** RFC 2833 events last ~220 ms; SIP INFO carries a Duration (chan_sip default 100 ms). */
const RFC2833_MS = 220;
const INFO_MS = 100;
/** When in a prompt the caller presses a key. */
const KEY_DELAY_MS = 1000;

class Keys {
  private pos = 0;
  constructor(
    private readonly digits: string,
    private readonly delays: readonly number[] = [],
  ) {}
  next(): string | undefined {
    return this.pos < this.digits.length ? this.digits[this.pos++] : undefined;
  }
  /** The wait before the key next() just gave: the plan's, else `lab`. */
  delay(lab: number): number {
    return this.delays[this.pos - 1] ?? lab;
  }
}

/** Send one DTMF digit from the caller and let the key's duration pass. */
async function press(ctx: ScenarioContext, chan: Channel, digit: string, mode: IvrPlan['dtmf'], env: RunEnv): Promise<boolean> {
  if (mode === 'rfc2833') ctx.ch.dtmfBegin(chan, digit);
  const ms = mode === 'rfc2833' ? RFC2833_MS : INFO_MS;
  if (!(await waitAlone(ctx, chan, ms, env))) return false;
  ctx.ch.dtmfEnd(chan, digit, ms);
  return true;
}

export async function ivrMain(ctx: ScenarioContext, chan: Channel, exten: string, from: number, env: RunEnv): Promise<void> {
  const { ch } = ctx;
  const plan = env.ivr ?? { digits: '', dtmf: 'rfc2833' as const };
  const mode: IvrPlan['dtmf'] = ctx.pbx.peer(chan.peer)?.dtmf === 'info' ? 'info' : plan.dtmf;
  const keys = new Keys(plan.digits, plan.delaysMs);
  const s = { context: 'ivr-main', exten: 's' };
  env.track.outcome = 'answered';
  if (exten !== 's') return hangupApp(ctx, chan, { context: 'ivr-main', exten, priority: 1 }, env, 16);
  if (from <= 1) {
    ch.newexten(chan, 'Answer', '', { ...s, priority: 1 });
    if (chan.state !== ChannelState.Up) ch.newstate(chan, ChannelState.Up);
    ctx.reportCallerInUse(chan);
    openCdr(env).answer ??= ctx.now();
  }
  const sets: Array<[number, string, string | undefined]> = [
    [2, `IVR_ENTERED=${ctx.pbx.nowSec()}`, 'IVR_ENTERED'],
    [3, 'IVR_TRIES=0', 'IVR_TRIES'],
    [4, 'TIMEOUT(digit)=3', undefined],
    [5, 'TIMEOUT(response)=8', undefined],
  ];
  for (const [prio, data, variable] of sets) {
    if (from > prio) continue;
    ch.newexten(chan, 'Set', data, { ...s, priority: prio });
    if (variable) ch.varset(chan, variable, data.slice(data.indexOf('=') + 1));
  }
  let tries = 0;
  let firstMenu = true;
  for (;;) {
    tries++;
    ch.newexten(chan, 'Set', `IVR_TRIES=${tries}`, { ...s, priority: 6 });
    ch.varset(chan, 'IVR_TRIES', String(tries));
    ch.newexten(chan, 'BackGround', 'custom/ivr-menu', { ...s, priority: 7 });
    let key: string | undefined;
    if (firstMenu) {
      // The first key interrupts the menu prompt.
      key = keys.next();
      if (key !== undefined) {
        if (!(await waitAlone(ctx, chan, keys.delay(KEY_DELAY_MS), env))) return;
        if (!(await press(ctx, chan, key, mode, env))) return;
      } else if (!(await waitAlone(ctx, chan, PROMPT_MS * 2, env))) return;
      ch.varset(chan, 'BACKGROUNDSTATUS', 'SUCCESS');
    } else {
      if (!(await waitAlone(ctx, chan, PROMPT_MS * 2, env))) return;
      ch.varset(chan, 'BACKGROUNDSTATUS', 'SUCCESS');
    }
    firstMenu = false;
    if (key === undefined) {
      ch.newexten(chan, 'WaitExten', '8', { ...s, priority: 8 });
      key = keys.next();
      if (key !== undefined) {
        if (!(await waitAlone(ctx, chan, keys.delay(KEY_DELAY_MS), env))) return;
        if (!(await press(ctx, chan, key, mode, env))) return;
      } else if (!(await waitAlone(ctx, chan, 8000, env))) return;
    }
    if (key === undefined) {
      // t: no choice.
      ch.newexten(chan, 'Set', 'IVR_CHOICE=timeout', { context: 'ivr-main', exten: 't', priority: 1 });
      ch.varset(chan, 'IVR_CHOICE', 'timeout');
      ch.newexten(chan, 'GotoIf', `${tries < 2 ? 1 : 0}?s,menu`, { context: 'ivr-main', exten: 't', priority: 2 });
      if (tries < 2) continue;
      return hangupApp(ctx, chan, { context: 'ivr-main', exten: 't', priority: 3 }, env, 16);
    }
    if (key === '1') return salesChoice(ctx, chan, env);
    if (key === '2') return accountChoice(ctx, chan, env, keys, mode);
    if (key === '3') return operatorChoice(ctx, chan, env);
    // i: invalid key.
    ch.varset(chan, 'INVALID_EXTEN', key);
    const i = { context: 'ivr-main', exten: 'i' };
    ch.newexten(chan, 'Set', `IVR_INVALID=${key}`, { ...i, priority: 1 });
    ch.varset(chan, 'IVR_INVALID', key);
    ch.newexten(chan, 'Playback', 'custom/invalid', { ...i, priority: 2 });
    if (!(await waitAlone(ctx, chan, PROMPT_MS, env))) return;
    ch.varset(chan, 'PLAYBACKSTATUS', 'SUCCESS');
    ch.newexten(chan, 'GotoIf', `${tries < 3 ? 1 : 0}?s,menu`, { ...i, priority: 3 });
    if (tries >= 3) return hangupApp(ctx, chan, { ...i, priority: 4 }, env, 16);
  }
}

async function salesChoice(ctx: ScenarioContext, chan: Channel, env: RunEnv): Promise<void> {
  const place = { context: 'ivr-main', exten: '1' };
  ctx.ch.newexten(chan, 'Set', 'IVR_CHOICE=sales', { ...place, priority: 1 });
  ctx.ch.varset(chan, 'IVR_CHOICE', 'sales');
  ctx.ch.newexten(chan, 'Set', 'CDR(userfield)=ivr:sales', { ...place, priority: 2 });
  setUserField(env, 'ivr:sales');
  ctx.ch.newexten(chan, 'Goto', 'queues,630,1', { ...place, priority: 3 });
  await runPlace(ctx, chan, { context: 'queues', exten: '630', priority: 1 }, env);
}

async function accountChoice(ctx: ScenarioContext, chan: Channel, env: RunEnv, keys: Keys, mode: IvrPlan['dtmf']): Promise<void> {
  const { ch } = ctx;
  const place = { context: 'ivr-main', exten: '2' };
  ch.newexten(chan, 'Set', 'IVR_CHOICE=account', { ...place, priority: 1 });
  ch.varset(chan, 'IVR_CHOICE', 'account');
  ch.newexten(chan, 'Read', 'ACCOUNT,custom/enter-account,6,,1,8', { ...place, priority: 2 });
  ch.varset(chan, 'READSTATUS', 'ERROR');
  let account = '';
  for (;;) {
    const key = keys.next();
    if (key === undefined) {
      if (!(await waitAlone(ctx, chan, 8000, env))) return;
      break;
    }
    if (!(await waitAlone(ctx, chan, keys.delay(account === '' ? KEY_DELAY_MS * 2 : 500), env))) return;
    if (!(await press(ctx, chan, key, mode, env))) return;
    if (key === '#') break;
    account += key;
    if (account.length >= 6) break;
  }
  ch.varset(chan, 'ACCOUNT', account);
  ch.varset(chan, 'READSTATUS', account ? 'OK' : 'TIMEOUT');
  ch.newexten(chan, 'Set', `CDR(userfield)=ivr:account:${account}`, { ...place, priority: 3 });
  setUserField(env, `ivr:account:${account}`);
  ch.newexten(chan, 'Set', `DB(ivr_accounts/${chan.callerIdNum})=${account}`, { ...place, priority: 4 });
  ctx.pbx.astdb.put('ivr_accounts', chan.callerIdNum, account);
  ch.newexten(chan, 'Playback', 'custom/thank-you', { ...place, priority: 5 });
  if (!(await waitAlone(ctx, chan, PROMPT_MS, env))) return;
  ch.varset(chan, 'PLAYBACKSTATUS', 'SUCCESS');
  ch.newexten(chan, 'Hangup', '', { ...place, priority: 6 });
  endLoneChannel(ctx, chan, { hangupCause: 16, cdrs: settleCdrs(env, chan), cdrBeforeHangup: true, rtp: true });
}

async function operatorChoice(ctx: ScenarioContext, chan: Channel, env: RunEnv): Promise<void> {
  const place = { context: 'ivr-main', exten: '3' };
  ctx.ch.newexten(chan, 'Set', 'IVR_CHOICE=operator', { ...place, priority: 1 });
  ctx.ch.varset(chan, 'IVR_CHOICE', 'operator');
  const appData = `${ctx.tech}/802,20`;
  ctx.ch.newexten(chan, 'Dial', appData, { ...place, priority: 2 });
  const r = await dialAndTalk(ctx, chan, env, { peer: '802', dialString: '802', appData, timeoutMs: 20_000 });
  if (r.kind === 'failed') hangupApp(ctx, chan, { ...place, priority: 3 }, env, r.result.cause || 16);
}
