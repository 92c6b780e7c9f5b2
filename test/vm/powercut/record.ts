// The recording: the agent's state directory on a dm-log-writes device while the board applies, a mark put
// into the log after every answer, and a ledger on the host of what was answered `applied` before each mark.
//
// The mix (counted): pushes from the host; every `techEvery`-th action a technician's `aimlock apply`, then
// an `aimlock rollback`; once a force release with a hold (then resume) before a push; once the agent
// kill -9'ed while it holds the lock in its (slow) apply hook, so that systemd restarts it and it reclaims its
// own ghost at start (audited) and the push lands.
import { configWith } from '../../helpers/board.js';
import { asleepInHook, BOARD } from '../lab.js';
import type { PowerBoard } from './board.js';

export interface Action {
  mark: string;
  kind: 'push' | 'apply' | 'rollback' | 'force-release+push' | 'reclaim+push';
  version: number;
  sha256: string;
}

export interface Ledger {
  actions: Action[];
  /** Every version the run issued or produced, answered or not. */
  issued: number[];
}

export interface RecordOptions {
  applies: number;
  techEvery: number;
  /** Called once the data disk is unmounted, before the log-writes target exists: copy the base image now. */
  snapshotBase: () => void;
  progress: (line: string) => void;
}

export async function record(board: PowerBoard, opts: RecordOptions): Promise<Ledger> {
  const ledger: Ledger = { actions: [], issued: [] };
  await board.must(
    `systemctl stop aimlockd; mountpoint -q ${BOARD.state} && umount ${BOARD.state}; sync; blockdev --flushbufs /dev/vdb`,
  );
  opts.snapshotBase();
  await board.must(
    'modprobe dm-log-writes && ' +
      'dmsetup create lw --table "0 $(blockdev --getsz /dev/vdb) log-writes /dev/vdb /dev/vdc" && ' +
      `mount /dev/mapper/lw ${BOARD.state} && dmsetup message lw 0 mark start`,
  );
  await board.must('systemctl start aimlockd', { timeoutMs: board.budget(40_000) });
  await board.agentUp();

  const mark = async (kind: Action['kind'], version: number, sha256: string) => {
    const name = `pc-${ledger.actions.length}`;
    await board.must(`dmsetup message lw 0 mark ${name}`);
    ledger.actions.push({ mark: name, kind, version, sha256 });
  };
  const pushAndMark = async (kind: Action['kind'], during?: () => Promise<void>) => {
    const from = board.op.results.length;
    if (during) await board.must(`mkdir -p /run/lab && touch ${BOARD.slowHook}`);
    const p = await board.push();
    ledger.issued.push(p.version);
    if (during) await during();
    const r = await board.op.result(p.id, 'applied', board.budget(kind === 'push' ? 4000 : 60_000), from);
    await mark(kind, p.version, String(r.config_sha256));
  };
  // A technician's command that lands a version: its exit 0 is the answer (the CLI, like the agent, says
  // done only once the config and the state record are durable).
  const techAndMark = async (kind: 'apply' | 'rollback', script: string) => {
    await board.must(script, { timeoutMs: board.budget(20_000) });
    const a = await board.applied();
    if (!a) throw new Error(`after ${kind}, state.json has no applied record`);
    board.lastVersion = Math.max(board.lastVersion, a.version);
    ledger.issued.push(a.version);
    await mark(kind, a.version, a.sha256);
  };

  let forced = false;
  let reclaimed = false;
  while (ledger.actions.length < opts.applies) {
    const n = ledger.actions.length;
    if (n > 0 && n % opts.techEvery === 0) {
      const file = `/root/hotfix-${n}.json`;
      await board.must(`cat > ${file}`, {
        input: JSON.stringify(configWith((c) => (c.aim.sensitivity = 0.93))),
      });
      await techAndMark('apply', `aimlock apply ${file} --reason powercut-hotfix`);
      await techAndMark('rollback', 'aimlock rollback');
    } else if (!forced && n >= opts.techEvery / 2) {
      forced = true;
      // Two Node starts on the board: a technician command's budget each.
      await board.must('aimlock release --force --reason powercut --hold-for 10m && aimlock resume', {
        timeoutMs: board.budget(40_000),
      });
      await pushAndMark('force-release+push');
    } else if (!reclaimed && n >= opts.techEvery + opts.techEvery / 2) {
      reclaimed = true;
      await pushAndMark('reclaim+push', () => killInHook(board));
    } else {
      await pushAndMark('push');
    }
    if (ledger.actions.length % 25 === 0) {
      opts.progress(`recorded ${ledger.actions.length} applies`);
      await board.calibrate();
    }
  }
  // Everything still unflushed is logged when the target goes away (its end mark and final super too).
  await board.must(
    `systemctl stop aimlockd; umount ${BOARD.state} && dmsetup remove lw && blockdev --flushbufs /dev/vdc`,
    { timeoutMs: board.budget(20_000) },
  );
  return ledger;
}

/**
 * The push just published lands slowly (the lab's hook sleeps while /run/lab/slow-hook exists, made before the
 * push): wait for the agent to own the lock asleep in its hook (asleepInHook), then kill -9 the agent. systemd
 * restarts it; it reclaims its ghost at start and lands the push.
 */
async function killInHook(board: PowerBoard): Promise<void> {
  const pid = Number((await board.must('systemctl show -p MainPID --value aimlockd')).trim());
  await board.waitFor(
    `the agent (pid ${pid}) holding the lock in its hook`,
    board.budget(10_000),
    async () => {
      const r = await board.run([
        'sh',
        '-c',
        `${asleepInHook(pid)} && cat ${BOARD.lockDir}/conf_locked ${BOARD.lockDir}/owner.json`,
      ]);
      return r.code === 0 && r.stdout.startsWith('1') && r.stdout.includes(`"pid": ${pid}`)
        ? true
        : undefined;
    },
  );
  await board.must(`rm -f ${BOARD.slowHook}; kill -9 ${pid}`);
}
