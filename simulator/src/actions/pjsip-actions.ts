/**
 * res_pjsip's manager actions, present only in PJSIP mode
 * (action-pjsip-endpoints, action-pjsip-misc). Its "Unable to retrieve
 * endpoint" errors end with a bare LF inside the Message line, exactly as
 * Asterisk's format string has it.
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { ack, errorFrame, list, listItem, type Frame } from '../ami/frame.js';
import type { SimulatorCore } from '../core.js';
import { DEVICE_STATE_TEXT } from '../model/pbx.js';
import type { Peer } from '../model/peers.js';
import {
  aorFields,
  authFields,
  contactListFields,
  contactStatusDetailFields,
  endpointDetailFields,
  endpointListFields,
  hasContact,
  identifyFields,
  TRANSPORT_FIELDS,
} from './pjsip-objects.js';
import { header, type ActionTable } from './util.js';

function stateText(core: SimulatorCore, p: Peer): string {
  if (p.isTrunk) return 'Not in use';
  return DEVICE_STATE_TEXT[core.pbx.deviceState(`PJSIP/${p.name}`)] ?? 'Unknown';
}

function activeChannels(core: SimulatorCore, p: Peer): number {
  return [...core.pbx.channels.values()].filter((c) => c.peer === p.name).length;
}

function showEndpoints(core: SimulatorCore, m: AmiMessage): Frame[] {
  const items = [...core.pbx.peers.values()].map((p) => listItem(m, 'EndpointList', endpointListFields(p, stateText(core, p), activeChannels(core, p)), 'first'));
  return list(m, 'A listing of Endpoints follows, presented as EndpointList events', items, 'EndpointListComplete');
}

function showEndpoint(core: SimulatorCore, m: AmiMessage): Frame[] {
  const name = header(m, 'Endpoint');
  if (!name) return [errorFrame(m, 'Endpoint parameter missing.')];
  const p = core.pbx.peer(name);
  if (!p) return [errorFrame(m, `Unable to retrieve endpoint ${name}\n`)];
  const items: Frame[] = [listItem(m, 'EndpointDetail', [['ObjectType', 'endpoint'], ...endpointDetailFields(p, stateText(core, p), activeChannels(core, p))], 'first')];
  if (!p.isTrunk) items.push(listItem(m, 'AuthDetail', [...authFields(p), ['EndpointName', p.name]], 'first'));
  items.push(listItem(m, 'TransportDetail', [...TRANSPORT_FIELDS, ['EndpointName', p.name]], 'first'));
  items.push(listItem(m, 'AorDetail', aorFields(p, true), 'first'));
  if (hasContact(p)) items.push(listItem(m, 'ContactStatusDetail', contactStatusDetailFields(p), 'first'));
  if (p.isTrunk) items.push(listItem(m, 'IdentifyDetail', identifyFields(p), 'first'));
  return list(m, 'Following are Events for each object associated with the Endpoint', items, 'EndpointDetailComplete');
}

/** Dynamic (registered) contacts only; the trunk's static contact is not listed. */
function showContacts(core: SimulatorCore, m: AmiMessage): Frame[] {
  const items = [...core.pbx.peers.values()].filter((p) => !p.isTrunk && p.registered).map((p) => listItem(m, 'ContactList', contactListFields(p), 'first'));
  return list(m, 'A listing of Contacts follows, presented as ContactList events', items, 'ContactListComplete');
}

function showAors(core: SimulatorCore, m: AmiMessage): Frame[] {
  const items = [...core.pbx.peers.values()].map((p) => listItem(m, 'AorList', aorFields(p, false), 'first'));
  return list(m, 'A listing of AORs follows, presented as AorList events', items, 'AorListComplete');
}

function showAuths(core: SimulatorCore, m: AmiMessage): Frame[] {
  const items = [...core.pbx.peers.values()].filter((p) => !p.isTrunk).map((p) => listItem(m, 'AuthList', authFields(p), 'first'));
  return list(m, 'A listing of Auths follows, presented as AuthList events', items, 'AuthListComplete');
}

function showRegistrationsInbound(core: SimulatorCore, m: AmiMessage): Frame[] {
  const items = [...core.pbx.peers.values()].map((p) => {
    const fields = aorFields(p, false, 'Contact');
    // Contacts is written by ast_sip_contact_to_str (res_pjsip/location.c), which ends each contact with a comma.
    const contact = fields.find(([k]) => k === 'Contact')?.[1] ?? '';
    fields.push(['Contacts', contact === '' ? '' : `${contact},`]);
    return listItem(m, 'InboundRegistrationDetail', fields, 'first');
  });
  return list(m, 'Following are Events for each Inbound registration', items, 'InboundRegistrationDetailComplete');
}

function showRegistrationInboundContactStatuses(core: SimulatorCore, m: AmiMessage): Frame[] {
  const items = [...core.pbx.peers.values()].filter((p) => !p.isTrunk && p.registered).map((p) => listItem(m, 'ContactStatusDetail', contactStatusDetailFields(p), 'first'));
  return list(m, 'Following are ContactStatusEvents for each Inbound registration', items, 'ContactStatusDetailComplete');
}

function showRegistrationsOutbound(_core: SimulatorCore, m: AmiMessage): Frame[] {
  return list(m, 'Following are Events for each Outbound registration', [], 'OutboundRegistrationDetailComplete', [
    ['Registered', '0'],
    ['NotRegistered', '0'],
  ]);
}

function showSubscriptionsInbound(_core: SimulatorCore, m: AmiMessage): Frame[] {
  return list(m, 'Following are Events for each inbound Subscription', [], 'InboundSubscriptionDetailComplete');
}

function qualify(core: SimulatorCore, m: AmiMessage): Frame[] {
  const name = header(m, 'Endpoint');
  if (!name) return [errorFrame(m, 'Endpoint parameter missing.')];
  if (!core.pbx.peer(name)) return [errorFrame(m, 'Unable to retrieve endpoint\n')];
  return [ack(m, 'Endpoint found, will qualify')];
}

export const pjsipActions: ActionTable = {
  PJSIPShowEndpoints: showEndpoints,
  PJSIPShowEndpoint: showEndpoint,
  PJSIPShowContacts: showContacts,
  PJSIPShowAors: showAors,
  PJSIPShowAuths: showAuths,
  PJSIPShowRegistrationsInbound: showRegistrationsInbound,
  PJSIPShowRegistrationInboundContactStatuses: showRegistrationInboundContactStatuses,
  PJSIPShowRegistrationsOutbound: showRegistrationsOutbound,
  PJSIPShowSubscriptionsInbound: showSubscriptionsInbound,
  PJSIPQualify: qualify,
};
