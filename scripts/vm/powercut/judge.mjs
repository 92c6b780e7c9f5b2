// The judge of a recorded run: replays a dm-log-writes log onto the data disk's starting image and checks the
// state at every FLUSH, FUA and MARK entry, and at points between them (a prefix ending mid-way between two
// flushes: the writes after the last flush may or may not have reached the disk), with check.mjs.
//
// The ledger (written by the recorder) says what the board answered and when: one record per action answered
// `applied` (a push, a technician's apply, a rollback), named by the mark the recorder put into the log right
// after the answer: { mark, version, sha256, kind }. `issued` lists every version the run issued, answered or
// not. A point's expectation is the record of the last mark before it.
//
//   node scripts/vm/powercut/judge.mjs --log LOG --base IMG --ledger LEDGER.json [--out DIR] [--between N]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkState } from './check.mjs';
import { FLAG, flagNames, openLog, Replayer } from './logwrites.mjs';
import { filesOf, sparseCopy } from './state-files.mjs';

const DURABLE = FLAG.FLUSH | FLAG.FUA | FLAG.MARK;

/**
 * Which entries to check after: every FLUSH/FUA/MARK entry, and `between` points spread inside each stretch
 * of plain writes between two of them (1: its middle). Returns [{ index, kind: 'flush'|'between' }].
 */
export function checkPoints(entries, between = 1) {
  const points = [];
  let run = [];
  const flushRun = () => {
    // A stretch of n plain writes gives n-1 distinct partial states strictly inside it (all but the complete one,
    // which the next flush point sees).
    const inner = run.length - 1;
    for (let k = 1; k <= Math.min(between, inner); k++)
      points.push({
        index: run[Math.floor((k * run.length) / (Math.min(between, inner) + 1)) - 1],
        kind: 'between',
      });
    run = [];
  };
  for (const e of entries) {
    if (e.flags & DURABLE) {
      flushRun();
      points.push({ index: e.index, kind: 'flush' });
    } else run.push(e.index);
  }
  flushRun();
  return points.sort((a, b) => a.index - b.index);
}

/**
 * Replays and checks. `onFail(point, result, scratch)` may keep the failing image. Returns counts and failures;
 * `keep`: indexes whose state directories to keep in `work/keep-INDEX` (for the host agent checks).
 */
export function judge({ log: logPath, base, ledger, work, between = 1, keep = new Set(), saveFailures }) {
  const log = openLog(logPath);
  const entries = [...log.entries()];
  const points = checkPoints(entries, between);
  const byMark = new Map(ledger.actions.map((a, i) => [a.mark, i]));
  const issued = new Set(ledger.issued);
  mkdirSync(work, { recursive: true });
  const image = join(work, 'replay.img');
  const scratch = join(work, 'scratch.img');
  const dir = join(work, 'state');
  sparseCopy(base, image);
  const replayer = new Replayer(log, image);
  const counts = {
    entries: entries.length,
    flush: 0,
    fua: 0,
    mark: 0,
    flushPoints: 0,
    between: 0,
    landing: 0,
    behind: 0,
    tornAudit: 0,
    ghosts: 0,
    fsck: 0,
    same: 0,
    tornOutbox: 0,
  };
  for (const e of entries) {
    if (e.flags & FLAG.FLUSH) counts.flush++;
    if (e.flags & FLAG.FUA) counts.fua++;
    if (e.flags & FLAG.MARK) counts.mark++;
  }
  const failures = [];
  let lastAction = -1;
  let p = 0;
  // Whether a write landed since the last checked point: a point without one is the same disk state as that
  // one, and is only checked again when a mark raised what it must hold.
  let changed = true;
  const t0 = performance.now();
  try {
    for (const e of entries) {
      replayer.apply(e);
      if (e.dataLen > 0 || e.flags & FLAG.DISCARD) changed = true;
      if (e.mark && byMark.has(e.mark)) lastAction = byMark.get(e.mark);
      while (p < points.length && points[p].index === e.index) {
        const point = points[p++];
        if (!changed && !e.mark && !keep.has(e.index)) {
          counts.same++;
          continue;
        }
        changed = false;
        const durable = lastAction >= 0 ? ledger.actions[lastAction] : null;
        const next = ledger.actions[lastAction + 1];
        const state = filesOf(image, scratch, dir);
        const r = checkState(dir, {
          durable,
          nextVersion: next ? next.version : Number.POSITIVE_INFINITY,
          issued,
        });
        if (state.fsck) {
          counts.fsck++;
          r.problems.push(
            `the file system is inconsistent after journal replay: ${state.fsck.slice(0, 400)}`,
          );
        }
        if (point.kind === 'flush') counts.flushPoints++;
        else counts.between++;
        if (r.notes.includes('landing')) counts.landing++;
        if (r.notes.includes('state one landing behind')) counts.behind++;
        if (r.notes.some((n) => n.startsWith('torn audit'))) counts.tornAudit++;
        if (r.notes.some((n) => n.startsWith('torn outbox'))) counts.tornOutbox++;
        if (r.notes.some((n) => n.startsWith('lock bit set'))) counts.ghosts++;
        if (r.problems.length > 0) {
          const where = `entry ${e.index} of ${entries.length} (${point.kind}, ${flagNames(e.flags) || 'write'}; after mark ${durable?.mark ?? 'none'}, v${durable?.version ?? '-'})`;
          const fail = { index: e.index, kind: point.kind, where, problems: r.problems };
          failures.push(fail);
          if (saveFailures) saveFailures(fail, scratch, dir);
        }
        if (keep.has(e.index)) {
          const to = join(work, `keep-${e.index}`);
          rmSync(to, { recursive: true, force: true });
          copyDir(dir, to);
        }
      }
    }
  } finally {
    replayer.close();
    log.close();
  }
  return { counts, failures, points, ms: performance.now() - t0 };
}

/** cp -a: keeps modes and owners as debugfs wrote them. */
function copyDir(from, to) {
  mkdirSync(to, { recursive: true });
  const r = spawnSync('cp', ['-a', `${from}/.`, to], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cp -a ${from} ${to}: ${r.stderr}`);
}

// The command line: replay a saved run again (a human looking at a failure).
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (n) => {
    const i = args.indexOf(n);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const logPath = opt('--log');
  const base = opt('--base');
  const ledgerPath = opt('--ledger');
  if (!logPath || !base || !ledgerPath || !existsSync(logPath)) {
    console.error('usage: judge.mjs --log LOG --base IMG --ledger LEDGER.json [--out DIR] [--between N]');
    process.exit(2);
  }
  const work = opt('--out') ?? join(process.cwd(), '.vm', 'out', 'judge');
  const r = judge({
    log: logPath,
    base,
    ledger: JSON.parse(readFileSync(ledgerPath, 'utf8')),
    work,
    between: Number(opt('--between') ?? 1),
    saveFailures: (f, scratch) => {
      if (!existsSync(join(work, `fail-${f.index}.img`)))
        copyFileSync(scratch, join(work, `fail-${f.index}.img`));
    },
  });
  console.log(JSON.stringify(r.counts));
  for (const f of r.failures) console.log(`FAIL ${f.where}: ${f.problems.join('; ')}`);
  process.exit(r.failures.length ? 1 : 0);
}
