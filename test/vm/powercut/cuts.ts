// Hard power cuts: QEMU killed (SIGKILL) at a random instant while the host streams pushes to the board, then
// the data disk read on the host (what the board will find) and checked like a replayed state, then booted
// again: the agent must come up, reclaim or find free the lock, and land the desired push.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkState } from '../../../scripts/vm/powercut/check.mjs';
import { filesOf } from '../../../scripts/vm/powercut/state-files.mjs';
import { BOARD } from '../lab.js';
import type { PowerBoard } from './board.js';

export interface CutResult {
  n: number;
  /** ms from the stream's start to the kill. */
  at: number;
  answeredBefore: number;
  problems: string[];
  notes: string[];
  /** ms from the new boot's start until the desired push was live. */
  recoveredMs: number;
}

/** Mounts the data disk at boot (before aimlockd: RequiresMountsFor), enables the agent, and syncs all of it. */
export async function prepareForCuts(board: PowerBoard): Promise<void> {
  await board.must(
    `grep -q '^/dev/vdb ' /etc/fstab || echo '/dev/vdb ${BOARD.state} ext4 defaults 0 2' >> /etc/fstab; ` +
      'mkdir -p /etc/systemd/system/aimlockd.service.d && ' +
      `printf '[Unit]\\nRequiresMountsFor=${BOARD.state}\\n' > /etc/systemd/system/aimlockd.service.d/powercut.conf && ` +
      `systemctl daemon-reload && (mountpoint -q ${BOARD.state} || mount ${BOARD.state}) && systemctl enable aimlockd && systemctl start aimlockd && ` +
      // The lab's own setup (fstab line, drop-ins, settings, the enable link) must be on the root disk before the
      // first cut: unsynced, a cut within the kernel's writeback delay lost them, and the board booted without its
      // data disk (the agent then wrote to the root file system, and the next check found the disk behind).
      'sync',
    { timeoutMs: board.budget(40_000) },
  );
  await board.agentUp();
}

/**
 * One cut. The stream publishes a push, waits for its answer, and goes on; the kill comes at a random instant
 * within `windowMs` of the stream's start. Durable expectation: the last push answered `applied` before the
 * kill; the next one may be landing.
 */
export async function powerCut(
  board: PowerBoard,
  n: number,
  windowMs: number,
  work: string,
): Promise<CutResult> {
  const answered: Array<{ version: number; sha256: string }> = [];
  const pending: number[] = [];
  let cut = false;
  const at = Math.round(Math.random() * windowMs);
  const problems: string[] = [];
  // Polls the operator's results until the answer, the cut, or the deadline (a stalled stream is a finding).
  const answer = async (id: string, from: number) => {
    const deadline = Date.now() + board.budget(30_000);
    while (!cut) {
      const r = board.op.results.slice(from).find((x) => x.id === id && x.status === 'applied');
      if (r) return r;
      if (Date.now() > deadline) {
        problems.push(`push ${id} was not answered applied before the cut`);
        return null;
      }
      await new Promise((res) => setTimeout(res, 20));
    }
    return null;
  };
  const stream = (async () => {
    while (!cut) {
      const from = board.op.results.length;
      const p = await board.push();
      pending.push(p.version);
      const r = await answer(p.id, from);
      if (r && !cut) answered.push({ version: p.version, sha256: String(r.config_sha256) });
    }
  })();
  await new Promise((r) => setTimeout(r, at));
  cut = true;
  await board.cut();
  await stream.catch(() => {});
  const durable = answered.at(-1) ?? null;
  const issued = new Set<number>([...pending, ...answered.map((a) => a.version), ...board.everIssued]);
  // What a mount at the next boot will see: the journal replayed on a scratch copy, the files dumped.
  const dir = join(work, `cut-${n}`);
  mkdirSync(dir, { recursive: true });
  const fs = filesOf(board.data, join(work, 'cut-scratch.img'), join(dir, 'state'));
  const r = checkState(join(dir, 'state'), {
    durable: durable ? { version: durable.version, sha256: durable.sha256 } : board.durable,
    nextVersion: Math.max(...pending),
    issued,
    tornAuditOk: 'any',
  });
  r.problems.unshift(...problems);
  if (fs.fsck) r.problems.push(`the file system needs more than its journal: ${fs.fsck.slice(0, 300)}`);
  for (const v of issued) board.everIssued.add(v);
  if (durable) board.durable = { version: durable.version, sha256: durable.sha256 };

  // Boot again: the agent starts at boot (fstab mounts the disk first), recovers and lands the desired push
  // (the retained one, the newest issued).
  const b0 = performance.now();
  await board.boot();
  // A board that came up without its data disk would land pushes on the root file system: a lab failure, said
  // as one (not as the next check's "behind an applied answer").
  const mounted = await board.run(['mountpoint', '-q', BOARD.state]);
  if (mounted.code !== 0) r.problems.push(`the board booted without its data disk on ${BOARD.state}`);
  const want = board.lastVersion;
  await board
    .waitFor(`the desired push v${want} live after the boot`, board.budget(60_000), async () => {
      const a = await board.applied().catch(() => null);
      return a && a.version === want ? a : undefined;
    })
    .then((a) => {
      // Live and recorded after recovery (and answered): what every later cut must keep.
      board.durable = { version: a.version, sha256: a.sha256 };
    })
    .catch((err: Error) => r.problems.push(err.message));
  const locks = await board.run(['aimlock', 'locks', '--json']);
  try {
    const verdict = (JSON.parse(locks.stdout) as { verdict: string }).verdict;
    if (verdict !== 'FREE') r.problems.push(`after recovery the lock is ${verdict}, not FREE`);
  } catch {
    r.problems.push(`aimlock locks printed no JSON: ${locks.stdout}${locks.stderr}`);
  }
  return {
    n,
    at,
    answeredBefore: answered.length,
    problems: r.problems,
    notes: r.notes,
    recoveredMs: performance.now() - b0,
  };
}
