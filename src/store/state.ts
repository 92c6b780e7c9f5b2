// The agent's state record, `{state_dir}/state.json`: what is applied and which push ids were already seen.
//
// INVARIANTS
// - Written only through atomicWrite: after a crash it is the previous record or the new one, never a mix, so
//   `applied` is answered only once this record is durable (CONTRACT §5).
// - A missing file is the empty state of a fresh board; a corrupt one throws (naming the file) rather than
//   being read as empty — an empty state would forget the applied version and let a stale push land.
// - seen_ids is bounded (SEEN_LIMIT), newest last, without duplicates.
import type { StagedWrite } from './atomic.js';
import { CorruptFileError, isRecord, readJsonFile, stageJsonFile, writeJsonFile } from './json-file.js';
import type { OwnedTree } from './owned.js';

export type ApplySource = 'push' | 'local' | 'rollback';

export interface AppliedRecord {
  id: string;
  version: number;
  sha256: string;
  at: string;
  source: ApplySource;
  /** The lease's fencing token, durable with the record (absent in records written before it was kept). */
  generation?: number;
}

export interface AgentState {
  applied: AppliedRecord | null;
  seen_ids: string[];
}

/**
 * How many applied push ids the record keeps. A seen id only decides how a redelivered push older than the live
 * one is answered — `duplicate` rather than `stale_version` — and neither lands (versions only move forward, a
 * rollback too), so the window needs to cover redeliveries (a restarted bridge link, a resumed rollout: the last
 * few pushes), not history. Every id costs ~44 bytes of state.json, which every push reads four times and writes
 * durably once: at 1,000 ids (38 KB) the p50 was 3.72–3.78× the peer's over 2,000 pushes, at 100 ids 3.49–3.57×
 * (bench/push-latency.ts, alternated).
 */
export const SEEN_LIMIT = 100;
const SOURCES: readonly string[] = ['push', 'local', 'rollback'];

export function emptyState(): AgentState {
  return { applied: null, seen_ids: [] };
}

/** `tree`: the state directory (store/owned.ts); the board passes it so that root follows no link there. */
export async function readState(path: string, tree?: OwnedTree): Promise<AgentState> {
  const value = await readJsonFile(path, tree);
  if (value === null) return emptyState();
  const why = stateProblem(value);
  if (why) throw new CorruptFileError(path, why);
  return value as AgentState;
}

export async function writeState(path: string, state: AgentState, tree?: OwnedTree): Promise<void> {
  refuseInvalid(state);
  await writeJsonFile(path, state, { tree });
}

/** writeState's first half: the record written and synced beside state.json, renamed over it by place(). */
export async function stageState(path: string, state: AgentState, tree?: OwnedTree): Promise<StagedWrite> {
  refuseInvalid(state);
  return await stageJsonFile(path, state, { tree });
}

function refuseInvalid(state: AgentState): void {
  const why = stateProblem(state);
  if (why) throw new TypeError(`refusing to write an invalid state record: ${why}`);
}

/** A new state with `id` remembered as the newest seen id (moved to the end if already known), bounded. */
export function rememberSeen(state: AgentState, id: string, limit = SEEN_LIMIT): AgentState {
  const seen = state.seen_ids.filter((s) => s !== id);
  seen.push(id);
  return { ...state, seen_ids: seen.slice(-limit) };
}

function stateProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'not a JSON object';
  if (!Array.isArray(value.seen_ids) || !value.seen_ids.every((s) => typeof s === 'string')) {
    return 'seen_ids is not an array of strings';
  }
  const a = value.applied;
  if (a === null) return null;
  if (!isRecord(a)) return 'applied is neither null nor an object';
  if (typeof a.id !== 'string') return 'applied.id is not a string';
  if (!Number.isSafeInteger(a.version)) return 'applied.version is not an integer';
  if (typeof a.sha256 !== 'string') return 'applied.sha256 is not a string';
  if (typeof a.at !== 'string') return 'applied.at is not a string';
  if (typeof a.source !== 'string' || !SOURCES.includes(a.source))
    return 'applied.source is not push, local or rollback';
  return null;
}
