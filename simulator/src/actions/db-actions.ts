/**
 * AstDB actions of main/db.c: DBPut, DBGet, DBDel, DBDelTree, DBGetTree
 * (action-db-blacklist). Note the error texts' inconsistent full stops: they
 * are Asterisk's.
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { ack, errorFrame, list, listItem, type Frame } from '../ami/frame.js';
import type { SimulatorCore } from '../core.js';
import { header, type ActionTable } from './util.js';

function dbPut(core: SimulatorCore, m: AmiMessage): Frame[] {
  const family = header(m, 'Family');
  if (!family) return [errorFrame(m, 'No family specified')];
  const key = header(m, 'Key');
  if (!key) return [errorFrame(m, 'No key specified')];
  core.pbx.astdb.put(family, key, m.get('Val') ?? '');
  return [ack(m, 'Updated database successfully')];
}

function dbGet(core: SimulatorCore, m: AmiMessage): Frame[] {
  const family = header(m, 'Family');
  if (!family) return [errorFrame(m, 'No family specified.')];
  const key = header(m, 'Key');
  if (!key) return [errorFrame(m, 'No key specified.')];
  const val = core.pbx.astdb.get(family, key);
  if (val === undefined) return [errorFrame(m, 'Database entry not found')];
  const item = listItem(
    m,
    'DBGetResponse',
    [
      ['Family', family],
      ['Key', key],
      ['Val', val],
    ],
    'last',
  );
  return list(m, 'Result will follow', [item], 'DBGetComplete');
}

function dbGetTree(core: SimulatorCore, m: AmiMessage): Frame[] {
  const rows = core.pbx.astdb.tree(header(m, 'Family'), header(m, 'Key'));
  const items = rows.map(([k, v]) =>
    listItem(
      m,
      'DBGetTreeResponse',
      [
        ['Key', k],
        ['Val', v],
      ],
      'last',
    ),
  );
  return list(m, 'Result will follow', items, 'DBGetTreeComplete');
}

function dbDel(core: SimulatorCore, m: AmiMessage): Frame[] {
  const family = header(m, 'Family');
  if (!family) return [errorFrame(m, 'No family specified.')];
  const key = header(m, 'Key');
  if (!key) return [errorFrame(m, 'No key specified.')];
  return core.pbx.astdb.del(family, key) ? [ack(m, 'Key deleted successfully')] : [errorFrame(m, 'Database entry could not be deleted')];
}

function dbDelTree(core: SimulatorCore, m: AmiMessage): Frame[] {
  const family = header(m, 'Family');
  if (!family) return [errorFrame(m, 'No family specified.')];
  const n = core.pbx.astdb.delTree(family, header(m, 'Key'));
  return n === 0 ? [errorFrame(m, 'Database entry not found')] : [ack(m, 'Key tree deleted successfully')];
}

export const dbActions: ActionTable = {
  DBPut: dbPut,
  DBGet: dbGet,
  DBGetTree: dbGetTree,
  DBDel: dbDel,
  DBDelTree: dbDelTree,
};
