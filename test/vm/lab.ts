// The emulated board the VM lane's scenarios share: one guest (qemu-system-aarch64, systemd as PID 1) booted
// once per run, the host's Mosquitto it reaches through its only forward, an operator on the host, and
// deadlines derived from the board's measured speed (never guessed: see `budget`).
// scripts/vm/lane.mjs prepares the image and the package and passes them in AIMLOCK_VM_* variables.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Guest, type RunOptions, type RunResult } from '../../scripts/vm/guest.mjs';
import { BROKER_IN_GUEST, type Image, type Qemu, qemuTail, startQemu } from '../../scripts/vm/qemu.mjs';
import { parseConf } from '../../src/store/conf.js';
import { agentBoard, envelope, type Operator, type OperatorKey, operator } from '../helpers/agent.js';
import { configWith } from '../helpers/board.js';
import { type Broker, startMosquitto } from '../helpers/mosquitto.js';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
  comment(...args: unknown[]): void;
}

/** Paths of the board (CONTRACT §2 defaults: the package installs exactly these). */
export const BOARD = {
  settings: '/etc/aimlock/agent.json',
  keys: '/etc/aimlock/keys',
  state: '/var/lib/aimlock',
  config: '/var/lib/aimlock/aim_lock_config.conf',
  lockFile: '/var/lib/aimlock/aim_lock_config.conf.lock',
  lockDir: '/var/lib/aimlock/locks/aim_lock_config',
  audit: '/var/lib/aimlock/audit.jsonl',
  /** While this file exists, a landing's apply hook sleeps (a slow or hung writer); see `settings`. */
  slowHook: '/run/lab/slow-hook',
};

export const DEVICE = 'drone-07';

/**
 * A shell test, true while `pid` is asleep in the lab's slow apply hook: the hook execs `sleep`, so the sleep is
 * pid's own child. The owner record alone does not say so: it is written when the lock is taken, before the
 * config and the state, and removing the hook's trigger before the hook has looked at it lets the writer finish
 * (a CI run of h then waited 49 s for a ghost that never was).
 */
export const asleepInHook = (pid: number) => `pgrep -P ${pid} -x sleep >/dev/null`;

/**
 * The lab's agent.json. The apply hook is the only difference from a field board's meaningful settings: there
 * is no aim controller to reload, so it does nothing unless a scenario asks for a slow writer (BOARD.slowHook).
 * gc_interval_ms 2 s: how soon the agent notices a lock freed by a technician (the default 30 s would only
 * make the scenarios wait).
 */
export function settings(): Record<string, unknown> {
  return {
    device: DEVICE,
    fleet: 'alpha',
    broker: { url: `mqtt://${BROKER_IN_GUEST.host}:${BROKER_IN_GUEST.port}`, keepalive_s: 10 },
    lock: { gc_interval_ms: 2000 },
    apply_hook: {
      command: ['/bin/sh', '-c', `[ ! -e ${BOARD.slowHook} ] || exec sleep 900`],
      timeout_ms: 1_000_000,
    },
  };
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through \`npm run test:vm\``);
  return v;
}

/** A time span as `systemctl show` prints it ("20s", "1min 30s", "500ms") in ms; NaN when unreadable. */
export function systemdSpanMs(text: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|min|h)\b/g)];
  if (parts.length === 0) return NaN;
  return parts.reduce((sum, m) => sum + Number(m[1]) * (units[m[2]!] ?? NaN), 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * `python3 -c pass` on an idle x86-64 host, in ms: the unit the board's speed is measured in. Not the host's
 * own time measured now: on a machine shared with other jobs that swings 20x and would make every deadline
 * follow the neighbours' load instead of the board's.
 */
const NOMINAL_PYTHON_MS = 25;

/** Minimum wall time of `runs` runs of a command on the host, in ms. */
function hostTime(cmd: string, args: string[], runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(cmd, args, { stdio: 'ignore' });
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * How long a boot may take before the lab calls QEMU hung. Not derived from the first boot: a reboot on a host
 * whose load tripled meanwhile took 2.4x the first boot (scenario f failed at 4x with the board already up and
 * its login prompt on the console). A hung QEMU is rare and a late failure costs only time; a false one costs a
 * red lane.
 */
const BOOT_CEILING_MS = 10 * 60_000;

export class Lab {
  guest!: Guest;
  broker!: Broker;
  op!: Operator;
  key!: OperatorKey;
  qemu!: Qemu;
  readonly dir: string;
  readonly share: string;
  /** How many times slower than the host the board runs a process start (measured after boot). */
  speed = 1;
  /** The first boot's wall time, host side (QEMU start → multi-user reached), in ms. */
  bootMs = 0;
  private lastVersion = 0;

  private constructor(
    private readonly t: Teardown,
    private readonly image: Image,
    readonly deb: string,
  ) {
    this.dir = env('AIMLOCK_VM_RUN');
    this.share = join(this.dir, 'share');
  }

  static async start(t: Teardown): Promise<Lab> {
    const image = JSON.parse(env('AIMLOCK_VM_IMAGE')) as Image;
    const lab = new Lab(t, image, env('AIMLOCK_VM_DEB'));
    mkdirSync(join(lab.share, 'out'), { recursive: true });
    copyFileSync(new URL('../../scripts/vm/driver.py', import.meta.url), join(lab.share, 'driver.py'));
    copyFileSync(lab.deb, join(lab.share, basename(lab.deb)));
    lab.broker = await startMosquitto(t);
    writeFileSync(join(lab.dir, 'mosquitto.pid'), String(lab.broker.pid));
    // The operator key: agentBoard makes one and writes its public half into a board dir on the host.
    const hostBoard = agentBoard(join(lab.dir, 'host-board'), lab.broker.url);
    lab.key = hostBoard.op;
    copyFileSync(join(hostBoard.dir, 'keys', 'ops-test.pub'), join(lab.share, 'ops-test.pub'));
    lab.op = await operator(t, lab.broker.url, DEVICE, true);
    await lab.boot();
    return lab;
  }

  /** Starts QEMU and waits for systemd to reach multi-user (`is-system-running --wait`). */
  private async boot(): Promise<void> {
    const t0 = performance.now();
    this.qemu = startQemu({
      image: this.image,
      rootfs: this.image.rootfs,
      dir: this.dir,
      brokerPort: this.broker.port,
    });
    // Whatever happens to this process, QEMU must not outlive it (the lane also kills it by its pidfile).
    const pid = this.qemu.pid;
    process.once('exit', () => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    });
    this.t.teardown(() => this.shutdown());
    let gone = false;
    void this.qemu.exited.then(() => {
      gone = true;
    });
    this.guest = await Guest.connect(join(this.dir, 'lab.sock'), { timeoutMs: 60_000, alive: () => !gone });
    await this.waitBoot(null, BOOT_CEILING_MS);
    this.bootMs = performance.now() - t0;
    const host = hostTime('python3', ['-c', 'pass']);
    const guest = await this.calibrate();
    this.t.comment(
      `measure: first boot ${seconds(this.bootMs)} (QEMU start to multi-user, host side); ${await this.systemdBootTime()}; ` +
        `speed: python3 -c pass ${guest.toFixed(0)} ms on the board (x${this.speed.toFixed(1)} of an idle host's ${NOMINAL_PYTHON_MS} ms; ${host.toFixed(0)} ms on this host now)`,
    );
  }

  /**
   * Measures the board's speed now (a process start on the board against an idle host's), which every deadline
   * derives from. Run before each scenario: the host's load changes during a run, and one measured at boot left
   * a root `aimlock reclaim` a third of the time it needed once the load had tripled. Returns the board's ms.
   */
  async calibrate(): Promise<number> {
    const guest = await this.bestOf(['python3', '-c', 'pass']);
    this.speed = Math.max(1, guest / NOMINAL_PYTHON_MS);
    return guest;
  }

  private async waitBoot(oldBootId: string | null, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // A QEMU that exits (a bad option, a crash) ends the wait at once, not at the deadline.
    const died = this.qemu.exited.then((e) => {
      throw new Error(`QEMU exited (${e.error ?? e.signal ?? e.code}) before the board was up`);
    });
    try {
      await Promise.race([died, this.waitBooted(oldBootId, deadline, timeoutMs)]);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${qemuTail(this.dir)}`);
    }
  }

  private async waitBooted(oldBootId: string | null, deadline: number, timeoutMs: number): Promise<void> {
    await this.guest.waitHello(oldBootId, timeoutMs);
    const r = await this.guest.run(['systemctl', 'is-system-running', '--wait'], {
      timeoutMs: Math.max(1000, deadline - Date.now()),
    });
    if (r.stdout.trim() !== 'running') {
      const failed = await this.guest.run(['systemctl', '--failed', '--no-legend']);
      throw new Error(`the board booted ${r.stdout.trim()}, not running; failed units:\n${failed.stdout}`);
    }
  }

  /** `systemd-analyze time`'s sentence (kernel + userspace to multi-user), for the figures. */
  async systemdBootTime(): Promise<string> {
    const r = await this.guest.run(['systemd-analyze', 'time']);
    return r.stdout.split('\n')[0]?.replace(/^Startup finished in /, 'systemd: ') ?? r.stderr;
  }

  /** Minimum wall time of a guest command over `runs` runs, in ms (the driver measures it in the guest). */
  async bestOf(cmd: string[], runs = 3): Promise<number> {
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const r = await this.guest.run(cmd);
      best = Math.min(best, r.ms ?? Infinity);
    }
    return best;
  }

  /**
   * A deadline for something that takes `hostMs` on an idle host: scaled by the board's measured speed (which
   * already carries this machine's load), with 2x headroom. The one place deadlines come from.
   */
  budget(hostMs: number): number {
    return Math.round(hostMs * this.speed * 2);
  }

  /**
   * A real reboot (QEMU resets in place); returns the new boot id. `hard`: what a board's hardware watchdog
   * does to a hung board — the disks synced, then reboot(2) at once (`systemctl reboot -ff`): no process is
   * sent SIGTERM, and none gets the SIGCONT that systemd's orderly shutdown sends after it (which would wake a
   * stopped writer and let it finish).
   */
  async reboot(opts: { hard?: boolean } = {}): Promise<{ bootId: string; ms: number }> {
    const old = this.guest.bootId;
    const t0 = performance.now();
    const cmd = opts.hard
      ? ['sh', '-c', 'sync && systemctl reboot --force --force']
      : ['systemctl', 'reboot'];
    await this.guest.run(cmd).catch(() => {}); // the driver may die before answering
    await this.waitBoot(old, BOOT_CEILING_MS);
    return { bootId: this.guest.bootId!, ms: performance.now() - t0 };
  }

  /** Runs argv as root on the board; the default deadline is that of a command taking 3 s on an idle host. */
  run(cmd: string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.guest.run(cmd, { timeoutMs: this.budget(3000), ...opts });
  }

  sh(script: string, opts: RunOptions = {}): Promise<RunResult> {
    return this.run(['sh', '-c', script], opts);
  }

  /** `aimlock ARGS` as root in the guest (the technician). */
  aimlock(args: string[], opts?: RunOptions): Promise<RunResult> {
    return this.run(['aimlock', ...args], opts);
  }

  /** `aimlock ARGS --json` parsed (whatever the exit status; the caller checks `code`). */
  async aimlockJson(args: string[]): Promise<{ code: number | null; doc: Record<string, unknown> }> {
    const r = await this.aimlock([...args, '--json']);
    try {
      return { code: r.code, doc: JSON.parse(r.stdout) as Record<string, unknown> };
    } catch {
      throw new Error(
        `aimlock ${args.join(' ')} --json printed no JSON (exit ${r.code}): ${r.stdout}${r.stderr}`,
      );
    }
  }

  /** systemctl show PROPS of a unit, as a record. */
  async unit(props: string[], unit = 'aimlockd'): Promise<Record<string, string>> {
    const r = await this.run(['systemctl', 'show', unit, '-p', props.join(',')]);
    return Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  }

  /** The agent's MainPID (0 when not running). */
  async mainPid(): Promise<number> {
    return Number((await this.unit(['MainPID'])).MainPID);
  }

  /** A file of the guest, or null when it does not exist. */
  async read(path: string): Promise<string | null> {
    const r = await this.run(['cat', path]);
    return r.code === 0 ? r.stdout : null;
  }

  /** Polls `probe` until it returns a value other than undefined, or fails saying what was awaited. */
  async waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds(timeoutMs)}`);
      await sleep(250);
    }
  }

  /**
   * Publishes a signed push, retained (the device's desired state, CONTRACT §5), one version above what the
   * board applied, with a sensitivity of its own so that its landing can be recognised in the live config.
   */
  async push(): Promise<{ id: string; version: number; sensitivity: number }> {
    const version = Math.max((await this.applied())?.version ?? 0, this.lastVersion) + 1;
    this.lastVersion = version;
    const sensitivity = Number((0.1 + (version % 70) / 100).toFixed(2));
    const doc = envelope(this.key, {
      version,
      config: configWith((c) => {
        c.aim.sensitivity = sensitivity;
      }),
    });
    await this.op.publish(doc, { retain: true });
    return { id: String(doc.id), version, sensitivity };
  }

  /** state.json's applied record (read with cat: each `aimlock` run costs a Node start on the board). */
  async applied(): Promise<{ version: number; sha256: string } | null> {
    const text = await this.read(`${BOARD.state}/state.json`);
    return text
      ? ((JSON.parse(text) as { applied: { version: number; sha256: string } | null }).applied ?? null)
      : null;
  }

  /**
   * The live config parsed strictly by the agent's own parser (`aimlock show` uses the same), on the host:
   * null when the file is missing or does not parse — a torn config is exactly that.
   */
  async live(): Promise<{ sensitivity: number; version: number | null } | null> {
    const text = await this.read(BOARD.config);
    if (text === null) return null;
    try {
      const { config, meta } = parseConf(text);
      return { sensitivity: config.aim.sensitivity, version: meta?.version ?? null };
    } catch {
      return null;
    }
  }

  /** Whether `pid` holds a kernel lock (any kind) on the lock file, from /proc/locks (cat, no Node). */
  async holdsKernelLock(pid: number): Promise<boolean> {
    const ino = (await this.run(['stat', '-c', '%i', BOARD.lockFile])).stdout.trim();
    const locks = (await this.read('/proc/locks')) ?? '';
    return locks.split('\n').some((l) => {
      const f = l.split(/\s+/);
      return f[4] === String(pid) && f[5]?.endsWith(`:${ino}`);
    });
  }

  /** `aimlock locks --json` on the board: the verdict and its evidence. */
  async locks(): Promise<{ code: number | null; verdict: string; doc: Record<string, unknown> }> {
    const r = await this.aimlockJson(['locks']);
    return { code: r.code, verdict: String(r.doc.verdict), doc: r.doc };
  }

  /** The audit log's records (CONTRACT §2), oldest first. */
  async audit(): Promise<Array<Record<string, unknown>>> {
    const text = (await this.read(BOARD.audit)) ?? '';
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** The owner record's pid, or null (no record, or the bit is clear). */
  async ownerPid(): Promise<number | null> {
    const owner = await this.read(`${BOARD.lockDir}/owner.json`);
    const bit = await this.read(`${BOARD.lockDir}/conf_locked`);
    if (!owner || bit?.trim() !== '1') return null;
    try {
      return (JSON.parse(owner) as { pid: number }).pid;
    } catch {
      return null;
    }
  }

  /**
   * A technician's `aimlock apply` as root, stuck in its apply hook while it holds the lock (bit, owner record
   * and both kernel locks): the writer the agent must never mistake for a ghost while it lives. Returns its pid
   * (the leader of its own session: `kill -- -PID` takes its hook too).
   */
  async slowRootWriter(label: string): Promise<number> {
    const file = `/root/${label}.json`;
    await this.run(['sh', '-c', `cat > ${file}`], {
      input: JSON.stringify(
        configWith((c) => {
          c.aim.sensitivity = 0.91;
        }),
      ),
    });
    await this.run(['sh', '-c', `mkdir -p /run/lab && touch ${BOARD.slowHook}`]);
    const pid = await this.guest.detach(['aimlock', 'apply', file, '--reason', label], {
      log: `/mnt/lab/out/${label}.log`,
    });
    try {
      await this.waitFor(
        `root's aimlock apply (pid ${pid}) asleep in its hook, owning the lock`,
        this.budget(8000),
        async () =>
          (await this.ownerPid()) === pid && (await this.sh(asleepInHook(pid))).code === 0 ? true : undefined,
      );
    } finally {
      // Only a landing that starts while the file exists is slow: later ones (the agent's) are not.
      await this.run(['rm', '-f', BOARD.slowHook]);
    }
    // The writer's apply takes the next version and its config is live from its rename on (start-up recovery
    // records it when the writer dies in its hook): the lab's next push must be newer than that, or it would
    // be answered stale_version after a reboot (a run saw exactly that in f).
    this.lastVersion = Math.max(this.lastVersion, (await this.applied())?.version ?? 0) + 1;
    return pid;
  }

  measure(text: string): void {
    this.t.comment(`measure: ${text}`);
  }

  private async shutdown(): Promise<void> {
    this.guest?.close();
    await this.qemu?.kill();
  }
}
