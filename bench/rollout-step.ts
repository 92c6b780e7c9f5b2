// The operator's per-answer cost at fleet scale: the rollout machine's step() and the record's serialisation,
// over a canary + first wave of an N-device rollout (pushed + applied for each device). Prints figures,
// asserts nothing (bench/README.md).
//
//   npm run build && node --import @tapjs/typescript/import bench/rollout-step.ts [N]
//
// advance() is what the runner calls (in place); step() is the pure form (copies the device map);
// `whole copy` is what every step of the runner cost before (structuredClone of the state).
import { cpus, loadavg } from 'node:os';
import { advance, step } from '../src/fleet/rollout/machine.js';
import { createRollout } from '../src/fleet/rollout/plan.js';
import type { RolloutState } from '../src/fleet/rollout/types.js';

const N = Number(process.argv[2] ?? 10_000);
const devices = Array.from({ length: N }, (_, i) => `drone-${String(i + 1).padStart(5, '0')}`);
const made = createRollout({ id: 'bench', fleet: 'f', devices, canary: 10, waves: [10, 50, 100] });
if (!made.ok) throw new Error(JSON.stringify(made.errors));
const s: RolloutState = step(made.state, { type: 'start' }).state;

const timed = (f: () => void): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};

let steps = 0;
let pure = 0;
let inPlace = 0;
for (const wave of s.waves.slice(0, 2)) {
  for (const d of wave.devices) {
    const id = s.devices[d]!.push.id;
    const applied = { type: 'result', device: d, result: { id, status: 'applied', code: 'ok' } } as const;
    const p = structuredClone(s);
    pure += timed(() => step(step(p, { type: 'pushed', device: d, id }).state, applied));
    inPlace += timed(() => {
      advance(s, { type: 'pushed', device: d, id });
      advance(s, applied);
    });
    steps += 2;
  }
}
const copy = timed(() => structuredClone(s));
const json = JSON.stringify(s);
const stringify = timed(() => JSON.stringify(s));
const l = loadavg().map((x) => x.toFixed(1));
console.log(
  `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load ${l.join(' ')}`,
);
console.log(`${N} devices, ${steps} steps (canary + wave 1, pushed + applied), phase ${s.phase}`);
console.log(`advance() (the runner's): ${(inPlace / steps).toFixed(3)} ms a step`);
console.log(`step() (pure, copies the device map): ${(pure / steps).toFixed(2)} ms a step`);
console.log(`whole copy (structuredClone, the old step): ${copy.toFixed(1)} ms`);
console.log(`state JSON: ${(json.length / 1e6).toFixed(2)} MB, JSON.stringify ${stringify.toFixed(1)} ms`);
