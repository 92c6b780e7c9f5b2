// Push → result latency of the real, compiled agent (dist/agent/main.js) against a local Mosquitto, next to
// the bare MQTT round trip measured in the same run on the same broker, plus the agent's resident memory.
//
//   npm run bench -- [N]        (builds first)
//   node --import @tapjs/typescript/import bench/push-latency.ts [N]     (needs a current dist/)
//
// (a) bare MQTT: client A publishes QoS 1, client B echoes it back QoS 1; N sequential round trips.
// (b) push → result: N sequential signed pushes (versions 1..N), each waiting for its `applied` result,
//     which the agent sends only after config and state are durable (src/store/DURABILITY.md).
// (c) the agent's VmRSS from /proc/PID/status, idle after start and idle after the run.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { agentBoard, envelope, prefix, type RunningAgent, startAgent } from '../test/helpers/agent.js';
import { configWith } from '../test/helpers/board.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';

const N = Number(process.argv[2] ?? 1000);
if (!Number.isInteger(N) || N < 1) {
  console.error('usage: push-latency.ts [N]   (N: a positive number of round trips and pushes)');
  process.exit(2);
}

const cleanups: Array<() => void | Promise<void>> = [];
const shim = { teardown: (fn: () => void | Promise<void>) => cleanups.push(fn) };
const cleanup = async () => {
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {});
  cleanups.length = 0;
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function client(url: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { clientId: `bench-${randomUUID()}`, clean: true });
  (c.stream as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
  c.on('connect', () => (c.stream as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true));
  cleanups.push(() => c.endAsync(true));
  return c;
}

function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

function hwmKiB(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

/** Nearest-rank percentile of sorted `xs`. */
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]!;

/** (a) A publishes on ping, B echoes on pong, both QoS 1, one at a time. */
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
      waiting = (got) => {
        if (got === n) resolve();
      };
      a.publish(`${topic}/ping`, String(n), { qos: 1 });
    });
  for (let n = 0; n < 20; n++) await once(-1 - n); // warm-up, not counted
  const rtts: number[] = [];
  for (let n = 0; n < rounds; n++) {
    const t0 = performance.now();
    await once(n);
    rtts.push(performance.now() - t0);
  }
  return rtts.sort((x, y) => x - y);
}

/** (b) Signed pushes v1..N, each waiting for its `applied` result before the next. */
async function pushResults(
  url: string,
  board: ReturnType<typeof agentBoard>,
  agent: RunningAgent,
  count: number,
): Promise<number[]> {
  const op = await client(url);
  const waiters = new Map<string, (r: Record<string, unknown>) => void>();
  op.on('message', (_t, payload) => {
    const r = JSON.parse(payload.toString()) as Record<string, unknown>;
    waiters.get(String(r.id))?.(r);
  });
  await op.subscribeAsync(`${prefix()}/config/result`, { qos: 1 });
  await agent.waitLog(/^connected to the MQTT broker/);
  await sleep(500); // past the agent's post-connect settle window
  const lat: number[] = [];
  for (let v = 1; v <= count; v++) {
    // Distinct configs, signed before the clock starts: the operator's signing is not the agent's latency.
    const doc = envelope(board.op, {
      version: v,
      config: configWith((c) => (c.aim.sensitivity = Number((0.1 + (v % 80) / 100).toFixed(2)))),
    });
    const id = String(doc.id);
    const payload = JSON.stringify(doc);
    const t0 = performance.now();
    const r = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no result for push v${v} within 30 s`)), 30_000);
      waiters.set(id, (res) => {
        if (res.status === 'deferred') return;
        clearTimeout(timer);
        resolve(res);
      });
      op.publish(`${prefix()}/config/push`, payload, { qos: 1 });
    });
    lat.push(performance.now() - t0);
    waiters.delete(id);
    if (r.status !== 'applied')
      throw new Error(`push v${v}: ${String(r.status)}/${String(r.code)}: ${r.detail}`);
  }
  return lat.sort((x, y) => x - y);
}

try {
  const broker = await startMosquitto(shim);
  const board = agentBoard(mkdtempSync(join(tmpdir(), 'aimlock-bench-')), broker.url);
  const socketDir = dirname(
    (JSON.parse(readFileSync(board.settingsFile, 'utf8')) as { paths: { socket: string } }).paths.socket,
  );
  cleanups.push(() => {
    rmSync(board.dir, { recursive: true, force: true });
    rmSync(socketDir, { recursive: true, force: true });
  });
  const agent = await startAgent(shim, board);
  const pid = agent.child.pid!;
  cleanups.push(async () => {
    await agent.stop();
  });
  await sleep(2000);
  const rssStart = rssKiB(pid);

  const bare = await bareRoundTrips(broker.url, N);
  const push = await pushResults(broker.url, board, agent, N);
  await sleep(2000);
  const rssEnd = rssKiB(pid);
  const hwm = hwmKiB(pid);

  const ms = (x: number) => `${x.toFixed(2)} ms`.padStart(10);
  const row = (name: string, xs: number[]) =>
    `${name.padEnd(34)}${ms(pct(xs, 0.5))}${ms(pct(xs, 0.99))}${ms(xs[xs.length - 1]!)}${String(xs.length).padStart(7)}`;
  const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, ` +
      `load avg ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  console.log(
    `${''.padEnd(34)}${'p50'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}${'n'.padStart(7)}`,
  );
  console.log(row('(a) bare MQTT round trip (QoS 1)', bare));
  console.log(row('(b) signed push -> applied result', push));
  console.log(
    `(c) agent VmRSS: idle after start ${mib(rssStart)}, idle after ${N} pushes ${mib(rssEnd)} (VmHWM ${mib(hwm)})`,
  );
} finally {
  await cleanup();
}
