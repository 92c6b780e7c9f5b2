// One table, from one run on one local Mosquitto: the bare MQTT round trip, a minimal durable peer
// (bench/peer.ts) and the real compiled agent, push → applied, with the ratios agent/peer, CPU per push, the
// agent's memory and its start → ready time. Figures, never assertions.
//
//   npm run bench -- [N] [--starts K] [--gap MS] [--settle MS] [--node-flags "--flag …"] [--against DIR]
//   (builds first)
//   node --import @tapjs/typescript/import bench/push-latency.ts [N] …      (needs a current dist/)
//
// N (default 1000): measured pushes to each of peer and agent, after 20 unmeasured ones; they alternate
// (peer, agent, peer, …) so that load from other work on the machine falls on both alike.
// --gap MS (default 0): a pause before each peer/agent pair of pushes, as a drone gets a push now and then
// rather than back to back (after ~20 ms of quiet the first /proc/locks read waits for an RCU grace period).
// --settle MS (default 0): the agent's VmRSS also this long after each "idle" figure (3 s after start, 3 s after
// the last push), once V8's memory reducer has had its chance.
// --starts K (default 15): start → ready samples. --node-flags: Node flags (and NAME=value environment words)
// for the agent instead of the unit's (systemd/aimlockd.service ExecStart and Environment=), to measure what a flag costs. The agent answers `applied` only
// once config and state are durable (src/store/DURABILITY.md).
// --against DIR: a second agent, DIR's build (a checkout with a current dist/, e.g. a `git worktree` of an older
// commit), as a second device on the same broker; each round pushes peer, this build and DIR's build (the two
// builds' order swapped every round), so a change worth a few per cent shows through the machine's drift,
// which moves whole runs by more than that. Prints DIR's row and the paired ratio this build / DIR.
// --starts 1 keeps such a run short.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { agentBoard, envelope, prefix } from '../test/helpers/agent.js';
import { configWith, ROOT, type TestBoard } from '../test/helpers/board.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';
import { cannotSwitchUsers, ensureTestUser, handBoardTo, type TestUser } from '../test/helpers/users.js';
import {
  type BenchAgent,
  spawnAgent,
  splitFlagSet,
  startToReady,
  unitEnvironment,
  unitNodeFlags,
} from './agent-proc.js';
import { cpuMs, hwmKiB, machineLine, median, pct, rssFileKiB, rssKiB } from './proc.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    starts: { type: 'string', default: '15' },
    gap: { type: 'string', default: '0' },
    settle: { type: 'string', default: '0' },
    'node-flags': { type: 'string' },
    against: { type: 'string' },
  },
});
const AGAINST = values.against;
const N = Number(positionals[0] ?? 1000);
const STARTS = Number(values.starts);
const GAP_MS = Number(values.gap);
const SETTLE_MS = Number(values.settle);
const WARM = 20;
if (
  !Number.isInteger(N) ||
  N < 1 ||
  !Number.isInteger(STARTS) ||
  STARTS < 1 ||
  !(GAP_MS >= 0) ||
  !(SETTLE_MS >= 0)
) {
  console.error(
    'usage: push-latency.ts [N] [--starts K] [--gap MS] [--settle MS] [--node-flags "…"] [--against DIR]   (N, K: positive integers)',
  );
  process.exit(2);
}
// --node-flags may carry NAME=value words too (the agent's environment instead of the unit's Environment=).
const { flags, env } =
  values['node-flags'] !== undefined
    ? splitFlagSet(values['node-flags'])
    : { flags: unitNodeFlags(), env: unitEnvironment() };

const cleanups: Array<() => void | Promise<void>> = [];
const shim = { teardown: (fn: () => void | Promise<void>) => cleanups.push(fn) };
const cleanup = async () => {
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {});
  cleanups.length = 0;
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

/** Idle means idle: the agent's timers (GC look, heartbeat) run, nothing is pushed. Not on any measured path. */
const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function client(url: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { clientId: `bench-${randomUUID()}`, clean: true });
  const nodelay = () => (c.stream as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
  nodelay();
  c.on('connect', nodelay);
  cleanups.push(() => c.endAsync(true));
  return c;
}

/** Bare MQTT: A publishes QoS 1, B (subscribed) echoes it back QoS 1; one at a time. */
async function bareRoundTrips(url: string, rounds: number): Promise<number[]> {
  const a = await client(url);
  const b = await client(url);
  const topic = `bench/${randomUUID()}`;
  b.on('message', (_t, payload) => void b.publish(`${topic}/pong`, payload, { qos: 1 }));
  await b.subscribeAsync(`${topic}/ping`, { qos: 1 });
  await a.subscribeAsync(`${topic}/pong`, { qos: 1 });
  let waiting: ((n: number) => void) | null = null;
  a.on('message', (_t, payload) => waiting?.(Number(payload.toString())));
  const once = (n: number) =>
    new Promise<void>((resolve) => {
      waiting = (got) => got === n && resolve();
      a.publish(`${topic}/ping`, String(n), { qos: 1 });
    });
  for (let n = 0; n < WARM; n++) await once(-1 - n);
  const rtts: number[] = [];
  for (let n = 0; n < rounds; n++) {
    const t0 = performance.now();
    await once(n);
    rtts.push(performance.now() - t0);
  }
  return rtts;
}

/** Publishes pushes and resolves each with its final (not `deferred`) result. */
async function pusher(url: string, prefixes: string[]) {
  const op = await client(url);
  const waiters = new Map<string, (r: Record<string, unknown>) => void>();
  op.on('message', (_t, payload) => {
    const r = JSON.parse(payload.toString()) as Record<string, unknown>;
    if (r.status !== 'deferred') waiters.get(String(r.id))?.(r);
  });
  await op.subscribeAsync(
    prefixes.map((p) => `${p}/config/result`),
    { qos: 1 },
  );
  return async (to: string, doc: Record<string, unknown>): Promise<number> => {
    const id = String(doc.id);
    const payload = JSON.stringify(doc);
    const t0 = performance.now();
    const r = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no result for ${to} push ${id} within 30 s`)), 30_000);
      waiters.set(id, (res) => {
        clearTimeout(timer);
        resolve(res);
      });
      op.publish(`${to}/config/push`, payload, { qos: 1 });
    });
    const ms = performance.now() - t0;
    waiters.delete(id);
    if (r.status !== 'applied') throw new Error(`${to}: ${String(r.status)}/${String(r.code)}: ${r.detail}`);
    return ms;
  };
}

/**
 * The agent runs as a user of its own, as the unit has it (User=aimlock), when the bench can make one: it is
 * root, and useradd is here (the test suite's `aimlock-test`, test/helpers/users.ts). As root it would do what
 * only root does in its state directory (fstat each file it creates, to hand it to the directory's owner).
 * The peer runs as the bench does: nothing it does depends on its user.
 */
function agentUser(board: TestBoard): TestUser | null {
  if (cannotSwitchUsers() !== null) return null;
  const user = ensureTestUser();
  chmodSync(board.dir, 0o755); // mkdtemp made it 0700: the agent reads its settings, keys and limits in it
  handBoardTo(shim, board, user);
  return user;
}

function startPeer(url: string, peerPrefix: string, dir: string, pubKey: string): Promise<ChildProcess> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(
    process.execPath,
    ['--import', '@tapjs/typescript/import', join(ROOT, 'bench/peer.ts'), url, peerPrefix, dir, pubKey],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env },
  );
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`peer exited (${code}) before it was ready`)));
  });
}

// The lock timings a board ships with (the defaults, CONTRACT §2), not the tests' quick ones: a ghost collector
// every 500 ms would read /proc/locks twice a second and charge the agent for it.
const BENCH_LOCK = { wait_ms: 5000, heartbeat_ms: 1000, heartbeat_ttl_ms: 10000, gc_interval_ms: 30000 };
const OTHER_DEVICE = 'drone-08';

/** The board's directory and its socket's (in /tmp: agentBoard) go when the bench ends. */
function removedAtEnd(board: TestBoard): void {
  const settings = JSON.parse(readFileSync(board.settingsFile, 'utf8')) as { paths: { socket: string } };
  cleanups.push(() => {
    rmSync(board.dir, { recursive: true, force: true });
    rmSync(dirname(settings.paths.socket), { recursive: true, force: true });
  });
}

/** --against: DIR's build as a second device on the same broker, with the same timings, flags and user. */
async function otherAgent(root: string, url: string, flags: string[], env: Record<string, string>) {
  const board = agentBoard(mkdtempSync(join(tmpdir(), 'aimlock-bench-')), url, {
    device: OTHER_DEVICE,
    lock: BENCH_LOCK,
  });
  removedAtEnd(board);
  const user = agentUser(board);
  const agent = spawnAgent(board.settingsFile, flags, env, user ?? undefined, root);
  cleanups.push(() => agent.stop());
  await agent.line(/^aimlockd ready/);
  await agent.line(/^connected to the MQTT broker/);
  return { board, agent };
}

try {
  const broker = await startMosquitto(shim);
  const board = agentBoard(mkdtempSync(join(tmpdir(), 'aimlock-bench-')), broker.url, { lock: BENCH_LOCK });
  removedAtEnd(board);
  const peerDir = join(board.dir, 'peer');
  mkdirSync(peerDir);

  const user = agentUser(board);

  // Start → ready first, on the board as it will be pushed to (the first sample also creates the state).
  const starts = await startToReady(board.settingsFile, flags, STARTS, env, user ?? undefined);

  const agent: BenchAgent = spawnAgent(board.settingsFile, flags, env, user ?? undefined);
  cleanups.push(() => agent.stop());
  await agent.line(/^aimlockd ready/);
  await agent.line(/^connected to the MQTT broker/);
  await idle(3000); // past the post-connect settle window; memory "idle after start"
  const rssStart = rssKiB(agent.pid);
  const rssStartFile = rssFileKiB(agent.pid);
  // The same for a board that nothing has been pushed to yet, once V8's memory reducer has run (see below).
  await idle(SETTLE_MS);
  const rssStartSettled = SETTLE_MS > 0 ? rssKiB(agent.pid) : null;

  const other = AGAINST === undefined ? null : await otherAgent(AGAINST, broker.url, flags, env);

  const peerPrefix = prefix('peer-01');
  const peer = await startPeer(broker.url, peerPrefix, peerDir, join(board.dir, 'keys', 'ops-test.pub'));
  const bare = await bareRoundTrips(broker.url, N);
  const push = await pusher(broker.url, [prefix(), peerPrefix, ...(other ? [prefix(OTHER_DEVICE)] : [])]);

  const peerLat: number[] = [];
  const agentLat: number[] = [];
  const otherLat: number[] = [];
  let cpu0 = { agent: 0, peer: 0, other: 0 };
  const otherCpu = () => (other ? cpuMs(other.agent.pid) : 0);
  for (let v = 1; v <= WARM + N; v++) {
    if (v === WARM + 1) cpu0 = { agent: cpuMs(agent.pid), peer: cpuMs(peer.pid!), other: otherCpu() };
    // Distinct configs, signed before the clock starts: the operator's signing is not the device's latency.
    const config = configWith((c) => (c.aim.sensitivity = Number((0.1 + (v % 80) / 100).toFixed(2))));
    const forPeer = envelope(board.op, { device: 'peer-01', version: v, config });
    const forAgent = envelope(board.op, { version: v, config });
    const forOther = other && envelope(other.board.op, { device: OTHER_DEVICE, version: v, config });
    if (GAP_MS > 0) await idle(GAP_MS);
    const p = await push(peerPrefix, forPeer);
    let a: number;
    let b = 0;
    if (forOther && v % 2 === 0) {
      b = await push(prefix(OTHER_DEVICE), forOther);
      a = await push(prefix(), forAgent);
    } else {
      a = await push(prefix(), forAgent);
      if (forOther) b = await push(prefix(OTHER_DEVICE), forOther);
    }
    if (v > WARM) {
      peerLat.push(p);
      agentLat.push(a);
      if (forOther) otherLat.push(b);
    }
  }
  const cpu = {
    agent: (cpuMs(agent.pid) - cpu0.agent) / N,
    peer: (cpuMs(peer.pid!) - cpu0.peer) / N,
    other: (otherCpu() - cpu0.other) / N,
  };
  // Paired: each round's two builds saw the same moment of the machine.
  const paired = otherLat.map((b, i) => agentLat[i]! / b).sort((x, y) => x - y);
  await idle(3000);
  const rssEnd = rssKiB(agent.pid);
  // V8's memory reducer shrinks the heap only after several seconds without allocation: what an agent settles
  // to between pushes, as against 3 s after the last one.
  await idle(SETTLE_MS);
  const rssSettled = SETTLE_MS > 0 ? rssKiB(agent.pid) : null;
  const hwm = hwmKiB(agent.pid);

  for (const xs of [bare, peerLat, agentLat, otherLat]) xs.sort((x, y) => x - y);
  const ms = (x: number) => `${x.toFixed(2)} ms`.padStart(11);
  const stat = (xs: number[]) => [pct(xs, 0.5), pct(xs, 0.99), xs[xs.length - 1]!];
  const row = (name: string, cells: string[]) => `${name.padEnd(36)}${cells.join('')}`;
  const times = (xs: number[]) => xs.map(ms);
  const [a50, a99, amax] = stat(agentLat);
  const [p50, p99, pmax] = stat(peerLat);
  const ratio = (x: number) => `${x.toFixed(2)}×`.padStart(11);
  const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
  const sortedStarts = [...starts].sort((x, y) => x - y);
  const settled = (kib: number | null) =>
    kib === null ? '' : ` (${mib(kib)} ${SETTLE_MS / 1000 + 3} s after)`;

  console.log(machineLine());
  console.log(
    `agent node flags: ${flags.length ? flags.join(' ') : '(none)'}${Object.entries(env)
      .map(([k, v]) => ` ${k}=${v}`)
      .join('')}; N = ${N} (after ${WARM} warm-up)${GAP_MS > 0 ? `, ${GAP_MS} ms before each pair` : ''}`,
  );
  console.log(
    user
      ? `agent runs as ${user.name} (uid ${user.uid}), as the unit's User=; the peer as uid ${process.getuid?.()}`
      : `agent and peer run as uid ${process.getuid?.()} (${cannotSwitchUsers()})`,
  );
  console.log(
    row(
      '',
      ['p50', 'p99', 'max'].map((h) => h.padStart(11)),
    ),
  );
  console.log(row('bare MQTT round trip (QoS 1)', times(stat(bare))));
  console.log(row('peer: push -> applied', times([p50!, p99!, pmax!])));
  console.log(row('aimlock: push -> applied', times([a50!, a99!, amax!])));
  console.log(row('ratio aimlock / peer', [ratio(a50! / p50!), ratio(a99! / p99!), ratio(amax! / pmax!)]));
  console.log(
    `CPU per push: aimlock ${cpu.agent.toFixed(2)} ms, peer ${cpu.peer.toFixed(2)} ms (${(cpu.agent / cpu.peer).toFixed(2)}×)`,
  );
  if (other) {
    const [o50, o99, omax] = stat(otherLat);
    console.log(`against ${AGAINST} (its build, as ${OTHER_DEVICE}; pushes alternating with this build's):`);
    console.log(row('  its aimlock: push -> applied', times([o50!, o99!, omax!])));
    console.log(
      row('  its ratio aimlock / peer', [ratio(o50! / p50!), ratio(o99! / p99!), ratio(omax! / pmax!)]),
    );
    console.log(
      row('  this build / its build', [ratio(a50! / o50!), ratio(a99! / o99!), ratio(amax! / omax!)]),
    );
    console.log(
      `  paired (each round's two pushes): median ratio ${pct(paired, 0.5)!.toFixed(3)}, ` +
        `this build faster in ${((100 * paired.filter((r) => r < 1).length) / paired.length).toFixed(0)} % of rounds; ` +
        `CPU per push ${cpu.agent.toFixed(2)} against ${cpu.other.toFixed(2)} ms`,
    );
  }
  console.log(
    `agent VmRSS: ${mib(rssStart)} idle after start${settled(rssStartSettled)}, ${mib(rssEnd)} idle after ` +
      `${N + WARM} pushes${settled(rssSettled)} (VmHWM ${mib(hwm)})`,
  );
  console.log(
    `  of it idle after start: ${mib(rssStartFile)} file-backed (RssFile: the node binary's pages, shared by ` +
      `every node process), ${mib(rssStart - rssStartFile)} the agent's own`,
  );
  console.log(
    `start -> ready (spawn to "aimlockd ready", ${STARTS} starts): median ${median(starts).toFixed(0)} ms, ` +
      `min ${sortedStarts[0]!.toFixed(0)} ms, max ${sortedStarts[sortedStarts.length - 1]!.toFixed(0)} ms`,
  );
} finally {
  await cleanup();
}
