/**
 * `GET /coocenter-api/monitor/{filePath}` names a file under the PBX's
 * monitor_dir. This turns the raw (still percent-encoded) path into a safe
 * relative path or refuses it. The relay checks again against the real
 * directory (symlinks), so this is the first of two walls.
 */

import { boxError } from './errors.js';

const SEGMENT = /^[0-9A-Za-z@+=,._ ~-]+$/;

export function safeRecordingPath(rawEncoded: string): string {
  if (rawEncoded.length === 0) throw boxError(400, 'missing recording path');
  if (rawEncoded.length > 1024) throw boxError(400, 'recording path too long');
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawEncoded);
  } catch {
    throw boxError(400, 'malformed recording path');
  }
  return checkRecordingPath(decoded);
}

/** The same checks on an already decoded path (the relay re-checks what the cloud sends). */
export function checkRecordingPath(decoded: string): string {
  if (decoded.length === 0 || decoded.length > 1024) throw boxError(400, 'recording path must be 1-1024 characters');
  // Refuse rather than normalise: a legitimate client never sends these.
  if (decoded.startsWith('/') || /^[A-Za-z]:/.test(decoded)) throw boxError(400, 'recording path must be relative to the monitor folder');
  if (decoded.includes('\\') || decoded.includes('\0') || decoded.includes('%')) throw boxError(400, 'recording path has forbidden characters');
  const segments = decoded.split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') throw boxError(400, 'recording path may not leave the monitor folder');
    if (!SEGMENT.test(s)) throw boxError(400, 'recording path has forbidden characters');
  }
  return segments.join('/');
}

export function recordingContentType(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  switch (ext) {
    case 'wav':
      return 'audio/wav';
    case 'mp3':
      return 'audio/mpeg';
    case 'ogg':
      return 'audio/ogg';
    case 'gsm':
      return 'audio/x-gsm';
    default:
      return 'application/octet-stream';
  }
}
