// What is live: the config file itself, as opposed to what state.json says was applied. They disagree only
// after an apply failed past its point of no return (the rename; see apply.ts) and could not roll back, or
// after a crash between the rename and the state record. The live file is then the truth: it is what the
// aim controller reads.
//
// INVARIANTS
// - A live file is "ours" only when it is byte for byte what renderConf makes of its own content and header
//   (device, time, push id, version): then its header names the push and version that are live. A file
//   edited by hand is never recorded as applied; it is reported and left to the next apply to overwrite.
// - settleState() writes state.json only under the lock (the caller holds it), like every state write.
import type { Board } from '../board/open.js';
import { configSha256, parseConf, renderConf } from '../store/conf.js';
import { explainLink, type OwnedTree } from '../store/owned.js';
import { readBytes } from '../store/owned-read.js';
import { type AgentState, type AppliedRecord, readState, rememberSeen, writeState } from '../store/state.js';

export interface LiveConfig {
  /** The file as read: an apply under the lock keeps it to restore if it must undo (one read, not two). */
  bytes: Buffer;
  sha256: string;
  /** Push id and version from its header, when the file is exactly as aimlock rendered it. */
  readonly ours: { id: string; version: number; at: string } | null;
}

/**
 * The live config file, or null when there is none. Never through a link, never a FIFO (owned-read.ts readBytes).
 * Throws when it cannot be read (EIO, EACCES, not a regular file).
 */
export async function readLive(path: string, tree?: OwnedTree): Promise<LiveConfig | null> {
  let bytes: Buffer;
  try {
    bytes = await readBytes(path, tree);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw explainLink(err, path);
  }
  const text = bytes.toString('utf8');
  // `ours` is worked out when first asked: a file whose hash is the recorded one (every read on a push's path)
  // needs no parse and no second rendering.
  let ours: LiveConfig['ours'] | undefined;
  return {
    bytes,
    sha256: configSha256(text),
    get ours() {
      if (ours === undefined) ours = headerIfOurs(text);
      return ours;
    },
  };
}

/** Push id and version from the header of a file that is exactly as aimlock rendered it, else null. */
function headerIfOurs(text: string): LiveConfig['ours'] {
  try {
    const { config, meta } = parseConf(text);
    if (meta && renderConf(config, meta) === text) return { id: meta.id, version: meta.version, at: meta.at };
  } catch {
    // Not parseable: not ours (edited by hand, or foreign).
  }
  return null;
}

/** The applied record that tells the truth about `live` when state.json does not (null: it agrees). */
export function unrecorded(state: AgentState, live: LiveConfig | null): AppliedRecord | null {
  if (!live || live.sha256 === state.applied?.sha256 || !live.ours) return null;
  return {
    id: live.ours.id,
    version: live.ours.version,
    sha256: live.sha256,
    at: live.ours.at,
    source: state.applied?.id === live.ours.id ? state.applied.source : 'push',
  };
}

/** A look without the lock: does state.json disagree with a live file of ours? (settleState decides under it.) */
export async function settlingNeeded(board: Board): Promise<boolean> {
  const state = await readState(board.paths.state, board.tree);
  const live = await readLive(board.paths.config, board.tree);
  return (
    unrecorded(state, live) !== null || (live !== null && !live.ours && live.sha256 !== state.applied?.sha256)
  );
}

export type Settlement =
  | { kind: 'agree' }
  | { kind: 'foreign'; sha256: string }
  | { kind: 'settled'; previous: AppliedRecord | null; now: AppliedRecord }
  | { kind: 'unsettled'; now: AppliedRecord; error: string };

/**
 * Under the lock: makes state.json say what the live file is, when the file is ours and the record is not
 * about it. A write that fails again is reported (`unsettled`); the caller keeps believing the live file.
 */
export async function settleState(board: Board): Promise<Settlement> {
  const state = await readState(board.paths.state, board.tree);
  const live = await readLive(board.paths.config, board.tree);
  if (live && !live.ours && live.sha256 !== state.applied?.sha256)
    return { kind: 'foreign', sha256: live.sha256 };
  const now = unrecorded(state, live);
  if (!now) return { kind: 'agree' };
  // A record AHEAD of the live file names a landing that is not live (its rename was lost to a power cut,
  // or it was undone): its push id must not stay "seen", or that push would be a duplicate and never land.
  const ahead = state.applied && state.applied.version > now.version ? state.applied.id : null;
  const seen = ahead ? { ...state, seen_ids: state.seen_ids.filter((id) => id !== ahead) } : state;
  try {
    await writeState(board.paths.state, rememberSeen({ ...seen, applied: now }, now.id), board.tree);
  } catch (err) {
    return { kind: 'unsettled', now, error: (err as Error).message };
  }
  return { kind: 'settled', previous: state.applied, now };
}
