// The acts of `aimlock demo` played from the operator's desk (CONTRACT §9), after the rollout stopped at the hot
// drone: a hold point over the whole fleet, a look at the hot drone's lock with `aimlock locks --device`, the
// bypass with `aimlock release --force --device` (refused while a live process holds the kernel lock, done
// once the technician stopped it), resume, the hot drone's push landing by itself, and the rollout again, to
// the end. Every command is the real CLI as a child process, exactly as an operator types it.

import { rolloutArgs, type Scene } from './demo-acts.js';
import { runChild } from './demo-procs.js';
import {
  DEMO_DRONES,
  DEMO_FLEET,
  DEMO_HOT,
  DEMO_LANDING,
  type Doc,
  EXIT_ABORTED,
  WAIT_MS,
} from './demo-story.js';
import { answerOf } from './demo-watch.js';
import type { SimDevice, SimFleet } from './sim.js';

/** Exit statuses of CONTRACT §7 the desk acts expect. */
const EXIT_LOCK = 3;

/** Runs one desk command: shown as typed, its output indented, its --json (when asked) parsed. */
async function desk(scene: Scene, brokerUrl: string, args: string[], json = false) {
  const { opts, cli, shown, keyFile, check, track } = scene;
  const full = [
    ...args,
    '--fleet',
    DEMO_FLEET,
    '--broker',
    brokerUrl,
    '--key',
    keyFile,
    '--record',
    scene.recordFile,
  ];
  const typed = args.map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(' ');
  const line = `${shown} ${typed} --fleet ${DEMO_FLEET} --broker ${brokerUrl} --key ${keyFile}`;
  // The operator's commands, in order, for --json readers (the field kept its old name: what a person typed).
  scene.facts.technician.push(line);
  opts.io.say(`    $ ${line}`);
  const r = await runChild(
    [cli, ...full, ...(json ? ['--json'] : [])],
    (line) => {
      if (!json) opts.io.say(`    │ ${line}`.trimEnd());
    },
    track,
  );
  check();
  let doc: Doc | null = null;
  if (json) {
    try {
      doc = JSON.parse(r.stdout) as Doc;
    } catch {
      doc = null;
    }
  }
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, doc };
}

/** Act 4: a hold point over every drone; the landing one acknowledges after its landing. */
export async function holdPoint(scene: Scene, brokerUrl: string): Promise<void> {
  const { facts, differ } = scene;
  scene.opts.io.say(
    `4/8 a hold point from the desk: every drone stops applying until the operator says resume`,
  );
  const r = await desk(scene, brokerUrl, [
    'hold',
    '--all',
    '--reason',
    'hold point: drone-05 lock',
    '--for',
    '10m',
  ]);
  facts.desk.hold = { exit_code: r.code, acknowledged: Number(/hold: (\d+)\//.exec(r.stdout)?.[1] ?? 0) };
  if (r.code !== 0) differ(`the hold point exited ${r.code}, not 0`);
  if (facts.desk.hold.acknowledged !== DEMO_DRONES)
    differ(`${facts.desk.hold.acknowledged}/${DEMO_DRONES} drones acknowledged the hold`);
  if (!new RegExp(`${DEMO_LANDING}: accepted/landing_in_progress`).test(r.stderr))
    differ(`${DEMO_LANDING} did not answer accepted (landing) before done`);
}

/** Act 5: the operator looks at the hot drone's lock without a shell on it. */
export async function deskLooks(scene: Scene, brokerUrl: string): Promise<void> {
  const { facts, differ, opts } = scene;
  opts.io.say(`5/8 the operator looks at ${DEMO_HOT}'s lock from the desk (no shell on the drone):`);
  const r = await desk(scene, brokerUrl, ['locks', '--device', DEMO_HOT], opts.json === true);
  facts.hot.locks.exit_code = r.code;
  facts.hot.locks.verdict = r.doc
    ? String(r.doc.verdict ?? '') || null
    : (/\b(UNOWNED|DETACHED|HUNG|CLEARED|STALE|FREE|HELD)\b/.exec(r.stdout)?.[0] ?? null);
  if (r.code !== EXIT_LOCK) differ(`aimlock locks --device ${DEMO_HOT} exited ${r.code}, not 3 (mismatch)`);
}

/** Act 6: the bypass, refused while a live process holds the kernel lock, then done once it is stopped. */
export async function deskBypass(
  scene: Scene,
  brokerUrl: string,
  fleet: SimFleet,
  hot: SimDevice,
): Promise<void> {
  const { facts, differ, opts } = scene;
  const args = [
    'release',
    '--force',
    '--reason',
    'foreign holder on the config lock, ticket 4411',
    '--device',
    DEMO_HOT,
  ];
  opts.io.say(`6/8 the audited bypass, from the desk: it never overrides a live writer`);
  const refused = await desk(scene, brokerUrl, [...args, '--hold-for', '10m']);
  facts.desk.release_refused = refused.code;
  if (refused.code !== EXIT_LOCK)
    differ(`the first release --force exited ${refused.code}, not 3 (kernel lock held)`);
  opts.io.say(
    `    the technician on site stops pid ${hot.holderPid} (${facts.hot.holder_command ?? '?'}); the operator sends the bypass again:`,
  );
  await fleet.releaseHot(DEMO_HOT);
  const done = await desk(scene, brokerUrl, [...args, '--hold-for', '10m']);
  facts.desk.release = done.code;
  if (done.code !== 0)
    differ(`release --force --device ${DEMO_HOT} exited ${done.code} after the holder was stopped, not 0`);
}

/** Act 7: resume the fleet; the hot drone's push, still desired, lands by itself. */
export async function resumeAndLand(scene: Scene, brokerUrl: string): Promise<void> {
  const { facts, watch, differ, rolloutId, opts } = scene;
  opts.io.say('7/8 resume from the desk; no new push for drone-05: its desired one lands by itself');
  const pushesBefore = watch.pushes.filter((p) => p.device === DEMO_HOT).length;
  const at = Date.now();
  const r = await desk(scene, brokerUrl, ['resume', '--all']);
  facts.desk.resume = r.code;
  if (r.code !== 0) differ(`resume --all exited ${r.code}, not 0`);
  const landed = await watch.until(
    () =>
      watch.results.find(
        (x) =>
          x.device === DEMO_HOT &&
          x.at >= at &&
          String(x.doc.id).startsWith(`${rolloutId}:`) &&
          x.doc.status === 'applied',
      ),
    WAIT_MS,
    opts.signal,
  );
  const pushesSeen = watch.pushes.filter((p) => p.device === DEMO_HOT).length;
  if (landed) {
    const a = answerOf(landed.doc);
    facts.hot.landed_after_release = { ...a, after_ms: landed.at - at, pushes_seen: pushesSeen };
    opts.io.say(
      `    ${DEMO_HOT} applied v${a.version} by itself ${((landed.at - at) / 1000).toFixed(1)} s after resume: the rollout's push ${a.id} — ${pushesSeen === pushesBefore ? 'no new push was sent' : `but ${pushesSeen - pushesBefore} new push(es) were seen`}`,
    );
    if (pushesSeen !== pushesBefore)
      differ(`${DEMO_HOT} got ${pushesSeen - pushesBefore} new push(es) after the fix`);
  } else differ(`${DEMO_HOT}'s push did not land within ${WAIT_MS / 1000} s of resume`);
}

/** Act 8: the same config rolled out again, now to the end. */
export async function rollOutAgain(scene: Scene, brokerUrl: string): Promise<void> {
  const { facts, differ, opts, cli, shown, check, track } = scene;
  opts.io.say('8/8 the rollout again, same config, same waves: this time to the end');
  const args = rolloutArgs(scene, brokerUrl, `${scene.rolloutId}-again`);
  opts.io.say(`    $ ${shown} rollout … --id ${scene.rolloutId}-again`);
  const r = await runChild([cli, ...args], (line, stream) => opts.io.child(line, stream), track);
  check();
  facts.desk.rollout_again = r.code;
  if (r.code === EXIT_ABORTED) differ('the second rollout aborted');
  else if (r.code !== 0) differ(`the second rollout exited ${r.code}, not 0`);
}
