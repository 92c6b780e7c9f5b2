// One board, wired: settings → paths → locksmith, history and audit. The CLI and the agent both start here,
// so a technician's `aimlock apply` and the agent's push take exactly the same lock-aware path.
//
// Who owns what (README "Who owns what on a board", store/owned.ts): the state directory and everything under
// it belong to the agent's user, whoever runs the command. Every part wired here gets the board's `tree` and
// writes under the state directory only through it, so a root technician's command follows no link the
// agent's user planted there and leaves nothing behind that the agent cannot later write or delete.
import { dirname } from 'node:path';
import { type Actor, currentActor } from '../lock/actor.js';
import { type LockLogger, Locksmith } from '../lock/locksmith.js';
import { type BoardPaths, boardPaths } from '../settings/board.js';
import type { Settings } from '../settings/load.js';
import { appendAudit } from '../store/audit.js';
import { History } from '../store/history.js';
import { OwnedTree, openDirectory } from '../store/owned.js';

export interface Board {
  settings: Settings;
  paths: BoardPaths;
  locksmith: Locksmith;
  history: History;
  /** The state directory as an owned tree: the only way anything here writes under it. */
  tree: OwnedTree;
  actor: Actor;
  /** `sync: false` only for a line start-up can rebuild from durable records (store/audit.ts). */
  audit(entry: Record<string, unknown>, opts?: { sync?: boolean }): Promise<void>;
}

export function openBoard(
  settings: Settings,
  program: 'aimlock' | 'aimlockd',
  log?: LockLogger,
  /** `keepOpen`: a long-lived process keeps the tree's directories open between uses (store/owned.ts). */
  opts: { keepOpen?: boolean } = {},
): Board {
  const paths = boardPaths(settings);
  const tree = new OwnedTree(paths.stateDir, { keepOpen: opts.keepOpen });
  // Made through the tree: a directory root makes here is the agent's user's from its first instant on.
  for (const dir of [paths.stateDir, paths.lockDir, paths.history, dirname(paths.config)]) {
    openDirectory(dir, tree, true).close();
  }
  const actor = currentActor(program);
  const audit = (entry: Record<string, unknown>, opts?: { sync?: boolean }) =>
    appendAudit(paths.audit, { device: settings.device, ...entry }, tree, opts?.sync ?? true);
  const locksmith = new Locksmith({
    tree,
    lockFile: paths.lockFile,
    lockDir: paths.lockDir,
    fileName: paths.fileName,
    device: settings.device,
    holder: program,
    heartbeatMs: settings.lock.heartbeat_ms,
    heartbeatTtlMs: settings.lock.heartbeat_ttl_ms,
    audit,
    log,
  });
  return {
    settings,
    paths,
    locksmith,
    history: new History(paths.history, settings.history_size, tree),
    tree,
    actor,
    audit,
  };
}
