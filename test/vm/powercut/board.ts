// The power-cut harness's emulated board: the lab's Debian 12 arm64 guest with two more raw disks, vdb (the
// data disk: an ext4 file system mounted at /var/lib/aimlock, the agent's whole state directory and its live
// config) and vdc (the dm-log-writes log device). Unlike test/vm/lab.ts it is booted many times: a power cut
// is `kill -9` of QEMU, and the next boot uses the same disks (cache=none: they hold exactly what the guest
// had flushed). The package is installed once per run, on the first boot.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Guest, type RunOptions, type RunResult } from '../../../scripts/vm/guest.mjs';
import { type Image, type Qemu, type QemuOptions, qemuArgs, qemuTail } from '../../../scripts/vm/qemu.mjs';
import { agentBoard, envelope, type Operator, type OperatorKey, operator } from '../../helpers/agent.js';
import { configWith } from '../../helpers/board.js';
import { type Broker, startMosquitto } from '../../helpers/mosquitto.js';
import { BOARD, DEVICE, settings } from '../lab.js';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
  comment(...args: unknown[]): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** ext4 on the data disk: 4 KiB blocks like a board's, inode tables and journal written now, not lazily. */
const DATA_MIB = 64;
const LOG_MIB = 4096;
/** The emulated core: the lane's own (scripts/vm/qemu.mjs) unless AIMLOCK_VM_CPU names another. */
const CPU = process.env.AIMLOCK_VM_CPU;

/** scripts/vm/qemu.mjs's startQemu, with the CPU override. */
function startQemu(opts: QemuOptions): Qemu {
  const args = qemuArgs(opts);
  if (CPU) args[args.indexOf('-cpu') + 1] = CPU;
  const errFd = openSync(join(opts.dir, 'qemu.stderr'), 'a');
  const child = spawn('qemu-system-aarch64', args, { stdio: ['ignore', errFd, errFd] });
  const exited = new Promise<{ code: number | null; signal: string | null; error?: string }>((resolve) => {
    child.once('error', (err) => resolve({ code: null, signal: null, error: err.message }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: child.pid!,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export class PowerBoard {
  guest!: Guest;
  qemu!: Qemu;
  broker!: Broker;
  op!: Operator;
  key!: OperatorKey;
  readonly data: string;
  readonly log: string;
  readonly share: string;
  /** x of an idle host's `python3 -c pass` (25 ms): deadlines scale with it (test/vm/lab.ts's budget). */
  speed = 1;
  boots = 0;
  bootMs: number[] = [];
  lastVersion = 0;
  /** The last version answered applied (what every later crash state must keep), and every version issued. */
  durable: { version: number; sha256: string } | null = null;
  everIssued = new Set<number>();

  constructor(
    private readonly t: Teardown,
    private readonly image: Image,
    readonly deb: string,
    readonly dir: string,
  ) {
    this.share = join(dir, 'share');
    this.data = join(dir, 'data.img');
    this.log = join(dir, 'log.img');
  }

  async start(): Promise<void> {
    mkdirSync(join(this.share, 'out'), { recursive: true });
    copyFileSync(new URL('../../../scripts/vm/driver.py', import.meta.url), join(this.share, 'driver.py'));
    copyFileSync(this.deb, join(this.share, basename(this.deb)));
    host('truncate', ['-s', `${DATA_MIB}M`, this.data]);
    host('mkfs.ext4', ['-q', '-F', '-b', '4096', '-E', 'lazy_itable_init=0,lazy_journal_init=0', this.data]);
    host('truncate', ['-s', `${LOG_MIB}M`, this.log]);
    this.broker = await startMosquitto(this.t);
    writeFileSync(join(this.dir, 'mosquitto.pid'), String(this.broker.pid));
    const hostBoard = agentBoard(join(this.dir, 'host-board'), this.broker.url);
    this.key = hostBoard.op;
    copyFileSync(join(hostBoard.dir, 'keys', 'ops-test.pub'), join(this.share, 'ops-test.pub'));
    this.op = await operator(this.t, this.broker.url, DEVICE, true);
    this.t.teardown(() => this.stop());
  }

  /** Boots and waits for multi-user (and the driver's hello of this new boot). */
  async boot(): Promise<void> {
    const t0 = performance.now();
    const old = this.guest?.bootId ?? null;
    this.guest?.close();
    // A killed QEMU leaves its socket file behind: connecting to it would be refused, not wait for the new one.
    rmSync(join(this.dir, 'lab.sock'), { force: true });
    this.qemu = startQemu({
      image: this.image,
      rootfs: this.image.rootfs,
      dir: this.dir,
      brokerPort: this.broker.port,
      drives: [{ file: this.data }, { file: this.log }],
    });
    const pid = this.qemu.pid;
    process.once('exit', () => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    });
    let gone = false;
    void this.qemu.exited.then(() => {
      gone = true;
    });
    const died = this.qemu.exited.then((e) => {
      throw new Error(`QEMU exited (${e.error ?? e.signal ?? e.code}) before the board was up`);
    });
    // Boot 1 has nothing measured yet: 10 min only stops a hung QEMU; later boots get 4x the slowest so far.
    const ceiling = this.bootMs.length ? Math.max(120_000, 4 * Math.max(...this.bootMs)) : 600_000;
    try {
      await Promise.race([
        died,
        (async () => {
          this.guest = await Guest.connect(join(this.dir, 'lab.sock'), {
            timeoutMs: 60_000,
            alive: () => !gone,
          });
          await this.guest.waitHello(old, ceiling);
          const r = await this.guest.run(['systemctl', 'is-system-running', '--wait'], {
            timeoutMs: ceiling,
          });
          if (!['running', 'degraded'].includes(r.stdout.trim())) {
            const failed = await this.guest.run(['systemctl', '--failed', '--no-legend']);
            throw new Error(`the board booted ${r.stdout.trim()}; failed units:\n${failed.stdout}`);
          }
        })(),
      ]);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${qemuTail(this.dir)}`);
    }
    this.boots++;
    this.bootMs.push(performance.now() - t0);
    if (this.boots === 1) await this.calibrate();
  }

  /**
   * How much slower than this host the board runs now (a Python start: 25 ms here). Measured again during a long
   * run: the host's load (and with it the emulated board's speed) changes over hours, and the deadlines follow it.
   */
  async calibrate(): Promise<void> {
    let best = Infinity;
    for (let i = 0; i < 3; i++)
      best = Math.min(best, (await this.guest.run(['python3', '-c', 'pass'])).ms ?? Infinity);
    if (Number.isFinite(best)) this.speed = Math.max(1, best / 25);
  }

  /** The power cut: SIGKILL to QEMU, the guest's RAM and page cache gone at once. */
  async cut(): Promise<void> {
    await this.qemu.kill();
  }

  budget(hostMs: number): number {
    return Math.round(hostMs * this.speed * 2);
  }

  run(cmd: string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.guest.run(cmd, { timeoutMs: this.budget(3000), ...opts });
  }

  /** A shell script as root in the guest that must succeed; throws with its output otherwise. */
  async must(script: string, opts: RunOptions = {}): Promise<string> {
    const r = await this.run(['sh', '-c', script], opts);
    if (r.code !== 0)
      throw new Error(
        `guest: ${script.slice(0, 200)}: exit ${r.code} ${r.error ?? ''}\n${r.stdout}${r.stderr}`,
      );
    return r.stdout;
  }

  /** apt install of the package, the lab's settings and operator key, the agent not started yet. */
  async install(extraSettings: Record<string, unknown> = {}): Promise<number> {
    const t0 = performance.now();
    await this.must(`apt-get install -y -o Acquire::Retries=0 /mnt/lab/${basename(this.deb)}`, {
      timeoutMs: this.budget(20_000),
      env: { DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    const ms = performance.now() - t0;
    await this.must(
      `systemctl stop aimlockd || true; install -d -m 0750 -g aimlock ${BOARD.keys} && ` +
        `install -m 0640 -g aimlock /mnt/lab/ops-test.pub ${BOARD.keys}/ops-test.pub`,
    );
    await this.must(`cat > ${BOARD.settings} && chgrp aimlock ${BOARD.settings}`, {
      input: JSON.stringify({ ...settings(), ...extraSettings }, null, 2),
    });
    // The lab's only change to the unit: on an emulated board 30x slower than this host (a loaded CI machine),
    // two Node starts (ExecCondition, ExecStart) can outlast systemd's 90-s start timeout. This harness judges
    // durability, not start time (the VM lane measures that on the real unit).
    await this.must(
      'mkdir -p /etc/systemd/system/aimlockd.service.d && ' +
        "printf '[Service]\\nTimeoutStartSec=15min\\n' > /etc/systemd/system/aimlockd.service.d/lab-slow-board.conf && " +
        'systemctl daemon-reload',
    );
    return ms;
  }

  /** Waits for the agent to be active (systemd saw READY=1). */
  async agentUp(): Promise<void> {
    // The lane measured 21-37 s from start to READY=1 on a loaded machine: 10 s on an idle host, scaled.
    try {
      await this.waitFor('aimlockd active', this.budget(10_000), async () => {
        const r = await this.run(['systemctl', 'is-active', 'aimlockd']);
        return r.stdout.trim() === 'active' ? true : undefined;
      });
    } catch (err) {
      const why = await this.run([
        'sh',
        '-c',
        'systemctl status aimlockd --no-pager; journalctl -u aimlockd -b --no-pager -o cat | tail -n 30',
      ]);
      throw new Error(`${(err as Error).message}\n${why.stdout}${why.stderr}`);
    }
  }

  async waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${(timeoutMs / 1000).toFixed(0)} s`);
      await sleep(250);
    }
  }

  /** A signed push, retained (the desired state), one version above any issued; its own sensitivity. */
  async push(): Promise<{ id: string; version: number }> {
    const version = ++this.lastVersion;
    const doc = envelope(this.key, {
      version,
      config: configWith((c) => {
        c.aim.sensitivity = Number((0.1 + (version % 70) / 100).toFixed(2));
      }),
    });
    await this.op.publish(doc, { retain: true });
    return { id: String(doc.id), version };
  }

  /** state.json's applied record on the board (cat). */
  async applied(): Promise<{ id: string; version: number; sha256: string } | null> {
    const r = await this.run(['cat', `${BOARD.state}/state.json`]);
    if (r.code !== 0) return null;
    return (JSON.parse(r.stdout) as { applied: { id: string; version: number; sha256: string } | null })
      .applied;
  }

  async stop(): Promise<void> {
    this.guest?.close();
    await this.qemu?.kill();
  }
}

function host(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
}
