// Command → final answer latency of the real, compiled agent (dist/agent/main.js) against a local Mosquitto.
// Printed figures only, no assertions.
//
//   node --import @tapjs/typescript/import bench/command-latency.ts [N]     (needs a current dist/)
//
// (a) `status`: read-only; the answer is queued after the executed-ids record and one audit line (both fsync).
// (b) `hold` then `resume`, N times each: the hold file, its audit line, the executed-ids record, the
//     agent's hold reaction (telemetry, status) — what an operator's fleet-wide hold costs per device.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { buildCommand, signCommand } from '../src/command/envelope.js';
import { CAPABILITIES } from '../src/sign/index.js';
import { agentBoard, prefix, startAgent } from '../test/helpers/agent.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';

const N = Number(process.argv[2] ?? 200);
if (!Number.isInteger(N) || N < 1) {
  console.error('usage: command-latency.ts [N]');
  process.exit(2);
}
const cleanups: Array<() => void | Promise<void>> = [];
const shim = { teardown: (fn: () => void | Promise<void>) => cleanups.push(fn) };
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]!;
const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${pct(s, 0.5).toFixed(1)} ms  p95 ${pct(s, 0.95).toFixed(1)} ms  p99 ${pct(s, 0.99).toFixed(1)} ms  max ${s.at(-1)!.toFixed(1)} ms`;
};

const dir = mkdtempSync(join(tmpdir(), 'aimlock-bench-cmd-'));
try {
  const broker = await startMosquitto(shim);
  const board = agentBoard(dir, broker.url);
  writeFileSync(join(board.dir, 'keys', 'ops-test.caps'), `${CAPABILITIES.join('\n')}\n`);
  await startAgent(shim, board);
  const c = await mqtt.connectAsync(broker.url, { clientId: `bench-${randomUUID()}`, clean: true });
  (c.stream as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
  cleanups.push(() => c.endAsync(true));
  const waiters = new Map<string, () => void>();
  c.on('message', (_t, p) => {
    const a = JSON.parse(p.toString()) as { id: string; status: string };
    if (a.status !== 'accepted') waiters.get(a.id)?.();
  });
  await c.subscribeAsync(`${prefix()}/command/result`, { qos: 1 });
  const once = async (action: 'status' | 'hold' | 'resume') => {
    const args = action === 'hold' ? { reason: 'bench', for: 600 } : {};
    const doc = signCommand(buildCommand({ device: 'drone-07', action, args }), board.op.key, board.op.id);
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${action} within 30 s`)), 30_000);
      waiters.set(doc.id, () => {
        clearTimeout(timer);
        resolve();
      });
      c.publish(`${prefix()}/command`, JSON.stringify(doc), { qos: 1 });
    });
    waiters.delete(doc.id);
    return performance.now() - t0;
  };
  for (let i = 0; i < 10; i++) await once('status'); // warm-up
  const status: number[] = [];
  for (let i = 0; i < N; i++) status.push(await once('status'));
  const hold: number[] = [];
  const resume: number[] = [];
  for (let i = 0; i < N; i++) {
    hold.push(await once('hold'));
    resume.push(await once('resume'));
  }
  console.log(
    `machine: ${cpus().length} cpu(s), load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`command → answer, ${N} each, sequential, real agent + Mosquitto on loopback:`);
  console.log(`  status  ${fmt(status)}`);
  console.log(`  hold    ${fmt(hold)}`);
  console.log(`  resume  ${fmt(resume)}`);
} finally {
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
