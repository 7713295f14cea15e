/**
 * res_pjsip's object dumps (PJSIPShowEndpoint and friends) as chan_pjsip 20
 * prints them for the lab's endpoints (action-pjsip-endpoints / -misc). The
 * endpoint detail is long and almost all constant, so it is a template with
 * the per-endpoint values filled in.
 */

import type { Fields } from '../model/channel.js';
import type { Peer } from '../model/peers.js';

/** EndpointDetail of endpoint 801, in Asterisk's order; per-endpoint values are replaced. */
const ENDPOINT_TEMPLATE: Fields = [
  ['ObjectName', '801'],
  ['RpidImmediate', 'false'],
  ['Webrtc', 'no'],
  ['Ignore183WithoutSdp', 'false'],
  ['SendAoc', 'false'],
  ['DeviceStateBusyAt', '2'],
  ['T38UdptlMaxdatagram', '0'],
  ['CodecPrefsIncomingAnswer', 'prefer:pending, operation:intersect, keep:all, transcode:allow'],
  ['SecurityNegotiation', 'no'],
  ['DtlsRekey', '0'],
  ['RtpPortEnd', '0'],
  ['NamedPickupGroup', ''],
  ['DirectMediaMethod', 'invite'],
  ['SendRpid', 'false'],
  ['PickupGroup', ''],
  ['SdpSession', 'Asterisk'],
  ['DtlsVerify', 'No'],
  ['MessageContext', ''],
  ['Tenantid', ''],
  ['Mailboxes', ''],
  ['RecordOnFeature', 'automixmon'],
  ['DtlsPrivateKey', ''],
  ['DtlsFingerprint', 'SHA-256'],
  ['OverlapContext', ''],
  ['OutgoingCallOfferPref', 'remote_merge'],
  ['RtpPortStart', '0'],
  ['FromDomain', ''],
  ['TimersSessExpires', '1800'],
  ['NamedCallGroup', ''],
  ['DtlsCipher', ''],
  ['MediaEncryptionOptimistic', 'false'],
  ['SuppressQ850ReasonHeaders', 'false'],
  ['Aors', '801'],
  ['IdentifyBy', 'username,ip'],
  ['CalleridPrivacy', 'allowed_not_screened'],
  ['MwiSubscribeReplacesUnsolicited', 'no'],
  ['CosAudio', '0'],
  ['FollowEarlyMediaFork', 'true'],
  ['Context', 'from-internal'],
  ['RtpSymmetric', 'false'],
  ['Transport', 'transport-udp'],
  ['MohSuggest', 'default'],
  ['T38Udptl', 'false'],
  ['FaxDetect', 'false'],
  ['T38BindUdptlToMediaAddress', 'false'],
  ['TosVideo', '0'],
  ['SrtpTag32', 'false'],
  ['ReferBlindProgress', 'true'],
  ['MaxAudioStreams', '1'],
  ['Bundle', 'false'],
  ['UseAvpf', 'false'],
  ['CallGroup', ''],
  ['SendConnectedLine', 'yes'],
  ['FaxDetectTimeout', '0'],
  ['SdpOwner', '-'],
  ['ForceRport', 'true'],
  ['CalleridTag', ''],
  ['RtpTimeoutHold', '0'],
  ['SuppressMohOnSendonly', 'false'],
  ['UsePtime', 'false'],
  ['MediaAddress', '127.0.0.1'],
  ['VoicemailExtension', ''],
  ['RtpTimeout', '0'],
  ['StirShaken', 'no'],
  ['SetVar', ''],
  ['ContactAcl', ''],
  ['PreferredCodecOnly', 'false'],
  ['GeolocOutgoingCallProfile', ''],
  ['ForceAvp', 'false'],
  ['RecordOffFeature', 'automixmon'],
  ['FromUser', ''],
  ['SendDiversion', 'true'],
  ['SendHistoryInfo', 'false'],
  ['T38UdptlIpv6', 'false'],
  ['ToneZone', ''],
  ['Language', ''],
  ['AllowSubscribe', 'true'],
  ['RtpIpv6', 'false'],
  ['Callerid', '"Bob Caller" <801>'],
  ['MohPassthrough', 'false'],
  ['CosVideo', '0'],
  ['DtlsAutoGenerateCert', 'No'],
  ['AsymmetricRtpCodec', 'false'],
  ['GeolocIncomingCallProfile', ''],
  ['IceSupport', 'false'],
  ['AggregateMwi', 'true'],
  ['OneTouchRecording', 'false'],
  ['MwiFromUser', ''],
  ['RedirectMethod', 'user'],
  ['Accountcode', ''],
  ['CodecPrefsOutgoingAnswer', 'prefer:pending, operation:intersect, keep:all, transcode:allow'],
  ['Allow', '(ulaw|alaw)'],
  ['RewriteContact', 'false'],
  ['UserEqPhone', 'false'],
  ['RtpEngine', 'asterisk'],
  ['FollowRedirectMethods', ''],
  ['SubscribeContext', 'from-internal'],
  ['NotifyEarlyInuseRinging', 'false'],
  ['IncomingMwiMailbox', ''],
  ['IncomingCallOfferPref', 'local'],
  ['AllowUnauthenticatedOptions', 'false'],
  ['Auth', '801'],
  ['DirectMediaGlareMitigation', 'none'],
  ['TrustIdInbound', 'true'],
  ['StirShakenProfile', ''],
  ['BindRtpToMediaAddress', 'true'],
  ['DisableDirectMediaOnNat', 'false'],
  ['MediaEncryption', 'no'],
  ['MediaUseReceivedTransport', 'false'],
  ['AllowOverlap', 'true'],
  ['DtmfMode', 'rfc4733'],
  ['OutboundAuth', ''],
  ['TosAudio', '0'],
  ['DtlsCertFile', ''],
  ['DtlsCaPath', ''],
  ['DtlsSetup', 'active'],
  ['ConnectedLineMethod', 'invite'],
  ['G726NonStandard', 'false'],
  ['100rel', 'yes'],
  ['Timers', 'yes'],
  ['DirectMedia', 'false'],
  ['Acl', ''],
  ['TimersMinSe', '90'],
  ['TrustIdOutbound', 'false'],
  ['SubMinExpiry', '0'],
  ['RtcpMux', 'false'],
  ['MaxVideoStreams', '1'],
  ['AcceptMultipleSdpAnswers', 'false'],
  ['CodecPrefsIncomingOffer', 'prefer:pending, operation:intersect, keep:all, transcode:allow'],
  ['CodecPrefsOutgoingOffer', 'prefer:pending, operation:union, keep:all, transcode:allow'],
  ['TrustConnectedLine', 'yes'],
  ['SendPai', 'false'],
  ['RtpKeepalive', '0'],
  ['T38UdptlEc', 'none'],
  ['T38UdptlNat', 'false'],
  ['AllowTransfer', 'true'],
  ['DtlsCaFile', ''],
  ['OutboundProxy', ''],
  ['InbandProgress', 'false'],
  ['DeviceState', 'Not in use'],
  ['ActiveChannels', '0'],
];

export function endpointDetailFields(p: Peer, deviceState: string, activeChannels: number): Fields {
  const ctx = p.isTrunk ? 'from-trunk' : 'from-internal';
  const override: Record<string, string> = {
    ObjectName: p.name,
    DeviceStateBusyAt: p.isTrunk ? '0' : '2',
    FromDomain: p.isTrunk ? '127.0.0.1' : '',
    Aors: p.name,
    Context: ctx,
    Callerid: p.isTrunk ? '<unknown>' : `"${p.callerName}" <${p.name}>`,
    SubscribeContext: p.isTrunk ? '' : 'from-internal',
    Auth: p.isTrunk ? '' : p.name,
    DtmfMode: p.dtmf === 'info' ? 'info' : 'rfc4733',
    DeviceState: deviceState,
    ActiveChannels: String(activeChannels),
  };
  return ENDPOINT_TEMPLATE.map(([k, v]): [string, string] => [k, override[k] ?? v]);
}

function contactUri(p: Peer): string {
  return p.isTrunk ? `sip:${p.ip}:${p.port}` : `sip:${p.name}@${p.ip}:${p.port};transport=udp`;
}

/** Whether the AOR has a contact: a registered phone, or the trunk's static one. */
export function hasContact(p: Peer): boolean {
  return p.isTrunk || p.registered;
}

export function endpointListFields(p: Peer, deviceState: string, activeChannels: number): Fields {
  return [
    ['ObjectType', 'endpoint'],
    ['ObjectName', p.name],
    ['Transport', 'transport-udp'],
    ['Aor', p.name],
    ['Auths', p.isTrunk ? '' : p.name],
    ['OutboundAuths', ''],
    ['Contacts', hasContact(p) ? `${p.name}/${contactUri(p)},` : ''],
    ['DeviceState', deviceState],
    ['ActiveChannels', String(activeChannels)],
  ];
}

export function authFields(p: Peer): Fields {
  return [
    ['ObjectType', 'auth'],
    ['ObjectName', p.name],
    ['OauthSecret', ''],
    ['PasswordDigest', ''],
    ['SupportedAlgorithmsUas', 'MD5'],
    ['RefreshToken', ''],
    ['Username', p.name],
    ['Md5Cred', ''],
    ['Realm', ''],
    ['AuthType', 'userpass'],
    ['Password', `pw${p.name}`],
    ['SupportedAlgorithmsUac', 'MD5'],
    ['NonceLifetime', '32'],
    ['OauthClientid', ''],
  ];
}

export const TRANSPORT_FIELDS: Fields = [
  ['ObjectType', 'transport'],
  ['ObjectName', 'transport-udp'],
  ['WebsocketWriteTimeout', '100'],
  ['Cos', '0'],
  ['TcpKeepaliveEnable', 'false'],
  ['Protocol', 'udp'],
  ['SymmetricTransport', 'false'],
  ['Domain', ''],
  ['VerifyServer', 'No'],
  ['LocalNet', ''],
  ['Bind', '127.0.0.1:5070'],
  ['AllowWildcardCerts', 'No'],
  ['TcpKeepaliveIntervalTime', '1'],
  ['AsyncOperations', '1'],
  ['ExternalMediaAddress', ''],
  ['Method', 'unspecified'],
  ['ExternalSignalingAddress', ''],
  ['RequireClientCert', 'No'],
  ['TcpKeepaliveIdleTime', '30'],
  ['Tos', '0'],
  ['CaListPath', ''],
  ['Cipher', ''],
  ['CertFile', ''],
  ['ExternalSignalingPort', '0'],
  ['Password', ''],
  ['AllowReload', 'false'],
  ['VerifyClient', 'No'],
  ['TcpKeepaliveProbeCount', '5'],
  ['PrivKeyFile', ''],
  ['CaListFile', ''],
];

/** AorList fields; AorDetail adds TotalContacts, ContactsRegistered, EndpointName. */
export function aorFields(p: Peer, detail: boolean, contactKey: 'Contacts' | 'Contact' = 'Contacts'): Fields {
  const contacts = hasContact(p) ? `${p.name}/${contactUri(p)}` : '';
  const fields: Fields = [
    ['ObjectType', 'aor'],
    ['ObjectName', p.name],
    ['MinimumExpiration', '60'],
    ['DefaultExpiration', '3600'],
    ['QualifyTimeout', '3.000000'],
    ['Qualify2xxOnly', 'false'],
    ['Mailboxes', ''],
    ['SupportPath', 'false'],
    ['RemoveUnavailable', 'false'],
    ['VoicemailExtension', ''],
    ['MaxContacts', p.isTrunk ? '0' : '1'],
    ['AuthenticateQualify', 'false'],
    [contactKey, contacts],
    ['MaximumExpiration', p.isTrunk ? '7200' : '86400'],
    ['QualifyFrequency', p.isTrunk ? '0' : '60'],
    ['RemoveExisting', p.isTrunk ? 'false' : 'true'],
    ['OutboundProxy', ''],
  ];
  if (detail) fields.push(['TotalContacts', hasContact(p) ? '1' : '0'], ['ContactsRegistered', p.registered && !p.isTrunk ? '1' : '0'], ['EndpointName', p.name]);
  return fields;
}

export function contactStatusDetailFields(p: Peer): Fields {
  if (p.isTrunk) {
    return [
      ['AOR', p.name],
      ['URI', contactUri(p)],
      ['UserAgent', ''],
      ['RegExpire', '0'],
      ['Status', 'NonQualified'],
      ['RoundtripUsec', 'N/A'],
      ['EndpointName', p.name],
      ['ID', `${p.name}@@${p.contactHash}`],
      ['AuthenticateQualify', '0'],
      ['OutboundProxy', ''],
      ['Path', ''],
      ['QualifyFrequency', '0'],
      ['QualifyTimeout', '3.000'],
      ['Qualify2xxOnly', '0'],
    ];
  }
  return [
    ['AOR', p.name],
    ['URI', contactUri(p)],
    ['UserAgent', p.userAgent],
    ['RegExpire', String(p.regExpire)],
    ['ViaAddress', `${p.ip}:${p.port}`],
    ['CallID', p.regCallId],
    ['Status', 'Reachable'],
    ['RoundtripUsec', String(p.roundtripUsec)],
    ['EndpointName', p.name],
    ['ID', `${p.name};@${p.contactHash}`],
    ['AuthenticateQualify', '0'],
    ['OutboundProxy', ''],
    ['Path', ''],
    ['QualifyFrequency', '60'],
    ['QualifyTimeout', '3.000'],
    ['Qualify2xxOnly', '0'],
  ];
}

export function contactListFields(p: Peer): Fields {
  return [
    ['ObjectType', 'contact'],
    ['ObjectName', `${p.name};@${p.contactHash}`],
    ['ViaAddr', p.ip],
    ['QualifyTimeout', '3.000000'],
    ['Qualify2xxOnly', 'false'],
    ['CallId', p.regCallId],
    ['RegServer', ''],
    ['PruneOnBoot', 'no'],
    ['Path', ''],
    ['Endpoint', p.name],
    ['ViaPort', String(p.port)],
    ['AuthenticateQualify', 'no'],
    ['Uri', contactUri(p)],
    ['QualifyFrequency', '60'],
    ['UserAgent', p.userAgent],
    ['ExpirationTime', String(p.regExpire)],
    ['OutboundProxy', ''],
    ['Status', 'Reachable'],
    ['RoundtripUsec', String(p.roundtripUsec)],
  ];
}

export function identifyFields(p: Peer): Fields {
  return [
    ['ObjectType', 'identify'],
    ['ObjectName', p.name],
    ['Match', `${p.ip}:${p.port}/255.255.255.255`],
    ['MatchRequestUri', ''],
    ['SrvLookups', 'true'],
    ['Endpoint', p.name],
    ['MatchHeader', ''],
    ['EndpointName', p.name],
  ];
}
