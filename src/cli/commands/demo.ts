// `aimlock demo`: the first look. An embedded broker, a simulated fleet with a ghost and a live foreign holder,
// and a canary rollout through the real `rollout` command, told step by step and checked (src/fleet/demo.ts).
import { basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT } from '../../errors.js';
import { runDemo } from '../../fleet/demo.js';
import {
  DEMO_CANARY,
  DEMO_DRONES,
  DEMO_GHOST,
  DEMO_HOT,
  DEMO_LANDING,
  DemoAborted,
  type DemoFacts,
  span,
} from '../../fleet/demo-story.js';
import type { Command, Context } from '../command.js';

const CLI = fileURLToPath(new URL('../main.js', import.meta.url));

/** How to show a command to the user: `aimlock` when that is how they called us, else `node PATH`. */
function shownCli(): string {
  if (basename(process.argv[1] ?? '') === 'aimlock') return 'aimlock';
  const rel = relative(process.cwd(), CLI);
  return `node ${rel.startsWith('..') ? CLI : rel}`;
}

function closing(f: DemoFacts): string {
  const secs = (f.duration_ms / 1000).toFixed(1);
  const hot = f.hot;
  const lines: string[] = [];
  if (f.ok) {
    lines.push(
      '',
      `The story played as designed (${secs} s):`,
      `  ✓ ghost on ${f.ghost.device} (dead pid ${f.ghost.dead_pid}) reclaimed at boot (lock_reclaimed), then applied in the canary`,
      `  ✓ canary passed: ${f.canary.applied.length}/${f.canary.devices.length} applied`,
      `  ✓ wave ${hot.wave} stopped at ${hot.device}: lock_mismatch; the rollout aborted (exit 6)`,
      `  ✓ ${span(f.untouched)} never got a push`,
      `  ✓ hold point: ${f.desk.hold.acknowledged}/${f.devices.length} drones acknowledged, ${DEMO_LANDING} after its landing`,
      `  ✓ from the desk: locks --device ${hot.device} showed ${hot.locks.verdict}; release --force refused (exit 3) while pid ${hot.holder_pid} held the lock, done once it was stopped`,
      `  ✓ after resume ${hot.device} applied the same push by itself; the rollout again went to the end (exit 0)`,
    );
  } else {
    lines.push('', `The demo did NOT play as designed (${secs} s):`, ...f.differences.map((d) => `  ✗ ${d}`));
  }
  lines.push(
    '',
    'Every command above is the real CLI; against your own fleet the same lines work with --broker and your key',
    `(its id needs the capabilities hold, resume, locks, release_force in the boards' keys/ID.caps). The operator's`,
    `record of every command and answer is ${f.desk.record}${f.kept ? '' : ' (removed with the temp dir)'}.`,
    '',
    f.kept
      ? `The boards, key, config and rollout state are kept in ${f.dir} (the drones are stopped).`
      : `Everything was stopped and ${f.dir} removed (--keep keeps it).`,
  );
  return lines.join('\n');
}

function untilInterrupted(controller: AbortController, ctx: Context): () => void {
  let count = 0;
  const on = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      ctx.note(`${signal}: stopping the demo and cleaning up (again to leave at once)…`);
      controller.abort();
    } else process.exit(1);
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return () => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
}

export const demo: Command = {
  name: 'demo',
  summary: 'a first look: embedded broker, simulated fleet with a ghost and a hot lock, a canary rollout',
  usage: 'aimlock demo [--keep] [--json]',
  options: { keep: { type: 'boolean' } },
  help: `
Plays aimlock's story on this machine with nothing to set up, in a few seconds, and tells it step by step:

  1. starts an MQTT broker (aedes) inside this process on a free loopback port;
  2. starts ${DEMO_DRONES} simulated drones (the real agent, in this process, boards in a temp dir): ${DEMO_GHOST} has a
     ghost lock left by a dead writer (reclaimed at boot: lock_reclaimed), ${DEMO_HOT} has a live foreign flock(1)
     holder on its lock file (verdict UNOWNED);
  3. rolls a config out with the real command: aimlock rollout … --canary ${DEMO_CANARY} --waves 50%,100% (the ghost
     drone is in the canary, the hot drone in wave 1): the canary passes, wave 1 stops at ${DEMO_HOT} with
     lock_mismatch, the rollout aborts (exit 6) and no later drone is pushed;
  4. a hold point from the desk over every drone (aimlock hold --fleet … --all): ${DEMO_LANDING}, in the middle of a
     landing, acknowledges after it;
  5. looks at ${DEMO_HOT}'s lock from the desk (aimlock locks --device ${DEMO_HOT}: UNOWNED, the holder named);
  6. sends the bypass (aimlock release --force --device ${DEMO_HOT}): refused (exit 3) while the live holder has the
     kernel lock; the technician stops it, and the bypass is done;
  7. resumes the fleet (aimlock resume --all): ${DEMO_HOT}'s push, still desired, lands by itself;
  8. runs the rollout again: this time to the end (exit 0).

The demo checks its own story: it exits 0 only when every step played as designed, else 1 with what differed.
Everything it started (drones, lock holders, the broker, the temp dir) is stopped and removed, on failure and
on Ctrl-C too.

  --keep   keep the temp dir (boards, operator key, config, rollout state) and print where
  --json   no story: one object with its facts (ok, differences, ghost, canary, hot, rollout, pushed,
           untouched, desk, duration_ms)

Needs flock(1) from util-linux. Exit: 0 played as designed; 1 it did not (or was interrupted).
Example: aimlock demo`,
  async run(ctx) {
    const shown = shownCli();
    const controller = new AbortController();
    const done = untilInterrupted(controller, ctx);
    const out = ctx.io.stdout;
    let facts: DemoFacts;
    try {
      facts = await runDemo({
        json: ctx.json,
        keep: ctx.values.keep === true,
        cli: CLI,
        shown,
        signal: controller.signal,
        io: {
          say: (text) => {
            if (!ctx.json) out.write(`${text}\n`);
          },
          child: (line) => {
            if (ctx.json) return;
            // The rollout's progress (stderr) and summary (stdout), as it prints them, set off from the story.
            out.write(`${`    │ ${line}`.trimEnd()}\n`);
          },
        },
      });
    } catch (err) {
      if (err instanceof DemoAborted) {
        ctx.emit({ ok: false, interrupted: true }, 'demo interrupted; everything it started was stopped');
        return EXIT.invalid;
      }
      // Everything it started is already stopped; say what broke without a stack trace.
      throw new CliError('internal', `the demo could not run: ${(err as Error).message ?? String(err)}`);
    } finally {
      done();
    }
    ctx.emit(facts, closing(facts));
    return facts.ok ? EXIT.ok : EXIT.invalid;
  },
};
