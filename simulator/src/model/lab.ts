/**
 * The lab the recordings were made in (test/fixtures/ami/lab-config): who the
 * phones are, how each behaves when rung, which queues exist. The simulator
 * starts from this so that its answers line up with the recorded ones.
 */

export type Tech = 'SIP' | 'PJSIP';

/** What a phone does when the PBX rings it (the lab's SIPp scripts). */
export type PhoneBehaviour = 'answer' | 'ring' | 'busy' | 'answer-hangup';

export interface PhoneConfig {
  extension: string;
  /** CallerID name from sip.conf / pjsip.conf. */
  name: string;
  registered: boolean;
  behaviour: PhoneBehaviour;
  dtmf: 'rfc2833' | 'info';
}

export interface QueueMemberConfig {
  extension: string;
  penalty: number;
  memberName: string;
}

export interface QueueConfig {
  name: string;
  strategy: 'linear' | 'ringall';
  /** Seconds each member rings (queues.conf `timeout`). */
  timeout: number;
  /** Seconds to wait before trying the members again (`retry`). */
  retry: number;
  members: QueueMemberConfig[];
}

export const TRUNK_PEER = 'trunk-provider';

export const LAB_PHONES: PhoneConfig[] = [
  { extension: '800', name: 'Alice Admin', registered: true, behaviour: 'answer', dtmf: 'rfc2833' },
  { extension: '801', name: 'Bob Caller', registered: true, behaviour: 'answer', dtmf: 'rfc2833' },
  { extension: '802', name: 'Carol Callee', registered: true, behaviour: 'answer', dtmf: 'rfc2833' },
  { extension: '803', name: 'Dave Agent', registered: true, behaviour: 'ring', dtmf: 'rfc2833' },
  { extension: '804', name: 'Eve Agent', registered: true, behaviour: 'answer', dtmf: 'rfc2833' },
  { extension: '805', name: 'Frank Agent', registered: true, behaviour: 'busy', dtmf: 'rfc2833' },
  { extension: '806', name: 'Grace Agent', registered: true, behaviour: 'ring', dtmf: 'rfc2833' },
  { extension: '807', name: 'Heidi', registered: false, behaviour: 'answer', dtmf: 'rfc2833' },
  { extension: '808', name: 'Ivan INFO-DTMF', registered: true, behaviour: 'answer-hangup', dtmf: 'info' },
  { extension: '809', name: 'Judy Offline', registered: false, behaviour: 'answer', dtmf: 'rfc2833' },
];

export const LAB_QUEUES: QueueConfig[] = [
  {
    name: '630',
    strategy: 'linear',
    timeout: 6,
    retry: 2,
    members: [
      { extension: '803', penalty: 0, memberName: 'Dave Agent' },
      { extension: '804', penalty: 0, memberName: 'Eve Agent' },
      { extension: '805', penalty: 1, memberName: 'Frank Agent' },
    ],
  },
  {
    name: '631',
    strategy: 'ringall',
    timeout: 4,
    retry: 2,
    members: [
      { extension: '806', penalty: 0, memberName: 'Grace Agent' },
      { extension: '807', penalty: 1, memberName: 'Heidi' },
    ],
  },
];

/** [globals] of extensions.conf. */
export const LAB_GLOBALS: Record<string, string> = { DIALTIMEOUT: '20' };

/** The DID numbers `from-trunk` knows, and where each goes. */
export const LAB_DIDS: Record<string, 'ivr' | 'queue630' | 'ext802'> = {
  '4930555000': 'ivr',
  '4930555630': 'queue630',
  '4930555802': 'ext802',
};

/** CALLERID(num) the lab sets for outbound trunk calls. */
export const LAB_OUTBOUND_CALLERID = '4930555000';

/** Seconds a lab phone rings before it answers (SIPp scripts: 1.5 s). */
export const PHONE_ANSWER_DELAY_MS = 1500;

/** 808 hangs up this long after answering. */
export const PHONE_SELF_HANGUP_MS = 4000;

/**
 * The modules the lab's Asterisk has loaded (what ModuleCheck answers), by
 * channel driver: the chan_sip lab has no chan_pjsip, and the chan_pjsip lab
 * no chan_sip — which is also what every Asterisk from 21 on looks like,
 * chan_sip having been removed there.
 */
const COMMON_MODULES = ['app_dial.so', 'app_queue.so', 'app_chanspy.so', 'app_mixmonitor.so', 'cdr_csv.so', 'cdr_manager.so', 'func_db.so', 'pbx_config.so'];
export const LAB_MODULES: Readonly<Record<Tech, readonly string[]>> = {
  SIP: ['chan_sip.so', ...COMMON_MODULES],
  PJSIP: ['chan_pjsip.so', 'res_pjsip.so', 'res_pjsip_session.so', ...COMMON_MODULES],
};

/** Asterisk version strings seen in the recordings. */
export const ASTERISK_VERSION = '20.20.1';
export const AMI_VERSION = '9.0.0';
export const AMI_BANNER = `Asterisk Call Manager/${AMI_VERSION}`;
