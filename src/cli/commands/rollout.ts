// `aimlock rollout`: one config to many devices, canary first, then cumulative waves; a failed wave stops the
// rollout (CONTRACT §8). The decisions are the pure state machine's (src/fleet/rollout/machine.ts); this file
// reads the fleet, builds the plan, wires the runner to the terminal, and prints the summary.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { checkConfig } from '../../accept/check-config.js';
import { CliError, EXIT } from '../../errors.js';
import {
  DEFAULT_BROKER_URL,
  DEFAULT_TOPIC_PREFIX,
  nextVersion,
  type OperatorClient,
  type Status,
  signedPush,
} from '../../fleet/operator.js';
import { createRollout, pushId, rollbackId } from '../../fleet/rollout/plan.js';
import {
  lineProgress,
  liveProgress,
  type Progress,
  silentProgress,
  waveCounts,
} from '../../fleet/rollout/progress.js';
import { type OperatorAnswer, type OperatorQuestion, RolloutRunner } from '../../fleet/rollout/runner.js';
import {
  defaultStateDir,
  type PreviousConfig,
  parseRecord,
  RECORD_KIND,
  RecordWriter,
  type RolloutRecord,
  readLocalRecord,
  readRetainedRecord,
  recordFile,
  rolloutTopic,
} from '../../fleet/rollout/store.js';
import { summary as summarize } from '../../fleet/rollout/summary.js';
import type { PlanError, RolloutSummary, WaveState } from '../../fleet/rollout/types.js';
import { waveLabel } from '../../fleet/rollout/waves.js';
import { validate } from '../../schemas/index.js';
import type { Command, Context } from '../command.js';
import { table } from '../lock-view.js';
import { formatErrors, readJsonFile } from '../read-input.js';
import {
  connectOperator,
  durationOption,
  OPERATOR_OPTIONS,
  type OperatorTarget,
  operatorTarget,
  signingKey,
} from './push.js';

/** CONTRACT §5: the agent answers too_large above this; push ids are at most 128 characters. */
const MAX_PUSH_BYTES = 64 * 1024;
const MAX_ID = 128;

/** Options that make up the plan: fixed when the rollout starts, refused with --resume. */
const PLAN_OPTIONS = [
  'devices',
  'all',
  'canary',
  'waves',
  'max-failure-rate',
  'pause-between',
  'rollback-on-abort',
  'id',
] as const;

const byName = new Intl.Collator('en', { numeric: true }).compare;

/** `10%,50%,100%` (the % is optional) → [10, 50, 100]. */
export function parseWaves(text: string): number[] {
  const items = text.split(',').map((s) => s.trim());
  return items.map((item) => {
    const m = /^(\d+(?:\.\d+)?)%?$/.exec(item);
    if (!m) throw new CliError('usage', `--waves ${text}: "${item}" is not a percent like 25%`);
    return Number(m[1]);
  });
}

/** `0`, `0.1` (a share) or `10%`. */
export function parseRate(text: string): number {
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (pct) return Number(pct[1]) / 100;
  const share = /^(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (share && Number(share[1]) <= 1) return Number(share[1]);
  throw new CliError(
    'usage',
    `--max-failure-rate ${text}: expected a share from 0 to 1 (0.1) or a percent (10%)`,
  );
}

const OPTION_OF: Record<string, string> = {
  id: '--id',
  fleet: '--fleet',
  devices: '--devices',
  canary: '--canary',
  waves: '--waves',
  maxFailureRate: '--max-failure-rate',
};

function planErrors(errors: PlanError[]): string {
  return errors
    .map((e) => {
      const [, head, ...rest] = e.path.split('/');
      const opt = OPTION_OF[head ?? ''];
      return `  ${opt ?? e.path}${rest.length > 0 ? ` (item ${rest.join('/')})` : ''}: ${e.message}`;
    })
    .join('\n');
}

/** What a device runs now, as far as the broker tells: the base version and the config a rollback restores. */
export function baseline(
  device: string,
  status: Status | undefined,
  desired: Record<string, unknown> | undefined,
): { base: number; previous: PreviousConfig | null; warnings: string[] } {
  const next = nextVersion(status, desired);
  const base = next.version - 1;
  const warnings: string[] = [];
  if (status === undefined)
    warnings.push(`${device} has no retained status on the broker (never connected?): pushing v${base + 1}`);
  else if (status.state === 'offline')
    warnings.push(
      `${device} is offline: its push waits retained, and times out with its wave unless it returns`,
    );
  if (next.desired !== null && next.applied !== null && next.desired > next.applied)
    warnings.push(
      `${device} has a pending push (desired v${next.desired}, applied v${next.applied}): this rollout replaces it with v${base + 1}`,
    );
  let previous: PreviousConfig | null = null;
  const id = typeof desired?.id === 'string' ? desired.id : null;
  const check = desired ? checkConfig(desired.config, {}) : null;
  // The desired push is the config running only when the device says it applied that very push (or, offline,
  // its last will no longer says: then the retained push is the best knowledge there is).
  const running = status?.applied ? status.applied.id === id : status?.state === 'offline';
  if (id !== null && next.desired !== null && check?.ok && running)
    previous = { id, version: next.desired, config: check.config };
  return { base, previous, warnings };
}

function newRolloutId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `r-${stamp}-${randomBytes(3).toString('hex')}`;
}

function name(w: WaveState): string {
  return w.index === 0 ? 'wave 0 (canary)' : `wave ${w.index}`;
}

function nextName(w: WaveState): string {
  return w.index === 0 || w.percent === null
    ? `wave 0 (${w.devices.length} devices)`
    : `wave ${w.index} (${w.percent}%, ${w.devices.length} devices)`;
}

type Tty = { isTTY?: boolean };

/** The operator's go at --pause-between: --yes, a [y/N] prompt on a terminal, else an abort that says why. */
function makeAsk(ctx: Context, yes: boolean, progress: Progress) {
  return async (q: OperatorQuestion): Promise<OperatorAnswer> => {
    const c = waveCounts(q.state, q.wave);
    const passed = `${name(q.wave)} passed (${c.applied}/${c.devices} applied)`;
    if (yes) {
      progress.note(`${passed}; --yes: continuing to ${nextName(q.next)}`);
      return { proceed: true };
    }
    if (!(ctx.io.stdin as Tty).isTTY || !(ctx.io.stderr as Tty).isTTY) {
      return {
        proceed: false,
        reason:
          "--pause-between waits for an operator's go, but there is no terminal to ask on (stdin is not a TTY): run it in a terminal, or add --yes",
      };
    }
    progress.suspend();
    const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr });
    const ctl = new AbortController();
    const onOuter = () => ctl.abort();
    q.signal.addEventListener('abort', onOuter, { once: true });
    rl.on('SIGINT', () => ctl.abort());
    try {
      const answer = await rl.question(`${passed}. Continue to ${nextName(q.next)}? [y/N] `, {
        signal: ctl.signal,
      });
      if (/^y(es)?$/i.test(answer.trim())) return { proceed: true };
      return { proceed: false, reason: `the operator declined to continue to ${nextName(q.next)}` };
    } catch {
      return { proceed: false, reason: 'interrupted at the prompt' };
    } finally {
      q.signal.removeEventListener('abort', onOuter);
      rl.close();
      progress.resume();
    }
  };
}

export function renderSummary(s: RolloutSummary): string {
  const head = `rollout ${s.rollout} (fleet ${s.fleet}): ${s.outcome}${s.reason ? ` — ${s.reason}` : ''}`;
  const waves = table([
    ['WAVE', 'STATUS', 'DEVICES', 'REASON'],
    ...s.waves.map((w) => [w.label, w.status, String(w.devices.length), w.reason ?? '']),
  ]);
  const devices = table([
    ['DEVICE', 'WAVE', 'VERSION', 'RESULT', 'ROLLBACK', 'NEXT'],
    ...s.devices.map((d) => [
      d.device,
      String(d.wave),
      `v${d.version}`,
      `${d.status}${d.code && d.status !== 'applied' ? `/${d.code}` : ''}${d.late ? ' (late)' : ''}`,
      d.rollback
        ? `v${d.rollback.version} ${d.rollback.status}${d.rollback.code ? `/${d.rollback.code}` : ''}`
        : '-',
      d.next ?? '',
    ]),
  ]);
  const notes = s.notes.length > 0 ? `\nnotes:\n${s.notes.map((n) => `  ${n}`).join('\n')}` : '';
  return `${head}\n\n${waves}\n\n${devices}${notes}\n`;
}

function progressFor(ctx: Context): Progress {
  if (ctx.json) return silentProgress();
  return (ctx.io.stderr as Tty).isTTY ? liveProgress(ctx.io.stderr) : lineProgress(ctx.io.stderr);
}

/** Broker and fleet for --resume: --broker / --settings first, then what the record says. */
function resumeTarget(
  ctx: Context,
  fleet: string | null,
  broker: string | null,
  prefix: string | null,
): OperatorTarget {
  const named = ctx.string('settings') ?? process.env.AIMLOCK_SETTINGS;
  const hasSettings = named !== undefined && named !== '';
  const given = ctx.string('fleet');
  if (given !== undefined && fleet !== null && given !== fleet)
    throw new CliError('usage', `--fleet ${given}: rollout belongs to fleet ${fleet}`);
  const t = hasSettings || given !== undefined ? operatorTarget(ctx) : null;
  const f = fleet ?? t?.fleet ?? null;
  if (f === null)
    throw new CliError(
      'usage',
      'no local state file for this rollout: give --fleet (and --broker) to read it from the broker',
    );
  const url = ctx.string('broker') ?? (hasSettings ? t!.url : null) ?? broker ?? DEFAULT_BROKER_URL;
  return {
    url,
    fleet: f,
    connect: {
      ...(t?.connect ?? {}),
      fleet: f,
      prefix: prefix ?? t?.connect.prefix ?? DEFAULT_TOPIC_PREFIX,
    },
  };
}

async function drive(
  ctx: Context,
  op: OperatorClient,
  record: RolloutRecord,
  writer: RecordWriter,
  resuming: boolean,
  { key, keyId }: ReturnType<typeof signingKey>,
): Promise<number> {
  const progress = progressFor(ctx);
  const id = record.state.plan.id;
  const runner = new RolloutRunner({
    op,
    record,
    key,
    keyId,
    writer,
    progress,
    ask: makeAsk(ctx, ctx.values.yes === true, progress),
  });
  // Ctrl-C is the operator stopping the rollout: abort (rollbacks included), a second one leaves at once.
  // SIGTERM / SIGHUP (the machine shutting down, the terminal closing) leave at once without deciding
  // anything: the record is kept and --resume continues.
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts === 1) {
      progress.note(
        `SIGINT: aborting — waiting for the pushes already out (Ctrl-C again to leave at once; aimlock rollout --resume ${id} continues)`,
      );
      runner.abort('interrupted (Ctrl-C)');
    } else runner.leave();
  };
  const onLeave = () => runner.leave();
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onLeave);
  process.on('SIGHUP', onLeave);
  let s: RolloutSummary;
  try {
    s = resuming ? await runner.resume() : await runner.start();
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onLeave);
    process.off('SIGHUP', onLeave);
    progress.close();
    await writer
      .flush()
      .catch((err: Error) => ctx.note(`warning: saving the rollout state failed: ${err.message}`));
  }
  return finishWith(ctx, s, writer.file, writer.topic);
}

function finishWith(ctx: Context, s: RolloutSummary, file: string, topic: string): number {
  ctx.io.stdout.write(ctx.json ? `${JSON.stringify(s)}\n` : renderSummary(s));
  if (s.outcome === 'done') return EXIT.ok;
  const where = `every device's result is in the summary; state: ${file} (retained on ${topic})`;
  if (s.outcome === 'in_progress')
    throw new CliError(
      'aborted',
      `left rollout ${s.rollout} in progress; continue it with aimlock rollout --resume ${s.rollout}; ${where}`,
    );
  throw new CliError('aborted', `${s.reason ?? 'rollout aborted'}; ${where}`);
}

async function startRollout(ctx: Context): Promise<number> {
  const file = ctx.positionals[0];
  if (file === undefined)
    throw new CliError(
      'usage',
      'FILE is required (the config to roll out), or --resume ID; see aimlock rollout --help',
    );
  const devicesText = ctx.string('devices');
  const all = ctx.values.all === true;
  if ((devicesText === undefined) === !all)
    throw new CliError('usage', 'give exactly one of --devices a,b,c and --all');
  const canaryText = ctx.need('canary', 'how many devices form the canary (wave 0)');
  if (!/^\d+$/.test(canaryText))
    throw new CliError('usage', `--canary ${canaryText}: expected a whole number`);
  const waves = parseWaves(ctx.need('waves', 'the cumulative percents of the waves, like 10%,50%,100%'));
  const maxFailureRate = parseRate(ctx.string('max-failure-rate') ?? '0');
  const timeoutMs = durationOption(ctx, 'timeout', '60s');
  const stateDir = ctx.string('state-dir') ?? defaultStateDir();
  const id = ctx.string('id') ?? newRolloutId();
  if (existsSync(recordFile(stateDir, id)))
    throw new CliError(
      'usage',
      `rollout ${id} already exists (${recordFile(stateDir, id)}): continue it with --resume ${id}, or choose another --id`,
    );
  const target = operatorTarget(ctx);

  // The config, checked before anything leaves this machine.
  const doc = await readJsonFile(file);
  const isEnvelope =
    typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'aimlock.push/v1';
  const check = checkConfig(
    isEnvelope ? (doc as { config?: unknown }).config : doc,
    {},
    isEnvelope ? '/config' : '',
  );
  if (!check.ok)
    throw new CliError(
      'invalid',
      `${file} is not a valid config (${check.code}); nothing published:\n${formatErrors(check.errors)}`,
      { result: check.code, errors: check.errors },
    );
  if (isEnvelope) ctx.note(`note: ${file} is an envelope; only its config is used`);
  const { key, keyId } = signingKey(ctx);

  const op = await connectOperator(target);
  try {
    const [statuses, desired] = await Promise.all([op.statuses(), op.desired()]);
    let devices: string[];
    if (all) {
      devices = [...statuses.keys()].sort(byName);
      if (devices.length === 0)
        throw new CliError(
          'usage',
          `--all: no device of fleet ${target.fleet} has a retained status on ${target.url}; check --fleet and --broker (aimlock fleet)`,
        );
    } else {
      devices = devicesText!
        .split(',')
        .map((d) => d.trim())
        .filter((d) => d !== '');
      if (devices.length === 0) throw new CliError('usage', '--devices lists no device');
    }

    const baseVersions: Record<string, number> = {};
    const previous: Record<string, PreviousConfig | null> = {};
    const warnings: string[] = [];
    for (const d of devices) {
      const b = baseline(d, statuses.get(d), desired.get(d));
      baseVersions[d] = b.base;
      previous[d] = b.previous;
      warnings.push(...b.warnings);
    }
    const created = createRollout({
      id,
      fleet: target.fleet,
      devices,
      canary: Number(canaryText),
      waves,
      maxFailureRate,
      pauseBetween: ctx.values['pause-between'] === true,
      rollbackOnAbort: ctx.values['rollback-on-abort'] === true,
      baseVersions,
    });
    if (!created.ok)
      throw new CliError('usage', `the rollout plan is not valid:\n${planErrors(created.errors)}`);
    const state = created.state;

    // Every envelope the rollout may publish must pass the agent's own gates: id length, schema, size.
    for (const d of devices) {
      const v = baseVersions[d]! + 1;
      const longest = rollbackId(id, d, v + 1);
      if (longest.length > MAX_ID)
        throw new CliError(
          'usage',
          `the push id ${longest} would exceed ${MAX_ID} characters: choose a shorter --id`,
        );
      const envelope = signedPush(
        { device: d, version: v, config: check.config, rollout: id, id: pushId(id, d, v) },
        key,
        keyId,
      );
      const checked = validate('push', envelope);
      if (!checked.ok)
        throw new CliError('usage', `cannot build a valid push for ${d}:\n${formatErrors(checked.errors)}`);
      const bytes = Buffer.byteLength(JSON.stringify(envelope));
      if (bytes > MAX_PUSH_BYTES)
        throw new CliError('invalid', `the push is ${bytes} bytes; the agent refuses over ${MAX_PUSH_BYTES}`);
    }

    const now = new Date().toISOString();
    const record: RolloutRecord = {
      kind: RECORD_KIND,
      state,
      config: check.config,
      previous,
      options: {
        timeoutMs,
        keyId,
        broker: target.url,
        prefix: op.prefix,
        file,
        createdAt: now,
      },
      updatedAt: now,
    };
    const writer = new RecordWriter(recordFile(stateDir, id), op, rolloutTopic(op.prefix, op.fleet, id));
    writer.save(record);
    await writer.flush();

    for (const w of warnings) ctx.note(`warning: ${w}`);
    if (state.plan.rollbackOnAbort) {
      const unknown = devices.filter((d) => previous[d] === null && baseVersions[d]! > 0);
      if (unknown.length > 0)
        ctx.note(
          `warning: the config running before the rollout is unknown for ${unknown.length} device(s) (${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}): a rollback cannot restore them from the desk`,
        );
    }
    for (const n of state.notes) ctx.note(`note: ${n}`);
    const shape = state.waves.map((w) => `${waveLabel(w.index, w.percent)}: ${w.devices.length}`).join(', ');
    ctx.note(
      `rollout ${id}: ${devices.length} device(s) of fleet ${target.fleet} — ${shape}; timeout ${timeoutMs / 1000}s per wave; state ${writer.file}`,
    );
    return await drive(ctx, op, record, writer, false, { key, keyId });
  } finally {
    await op.close();
  }
}

async function resumeRollout(ctx: Context, id: string): Promise<number> {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new CliError('usage', `--resume ${id}: not a rollout id`);
  const given = PLAN_OPTIONS.filter((o) => ctx.values[o] !== undefined);
  if (ctx.positionals.length > 0 || given.length > 0)
    throw new CliError(
      'usage',
      `--resume continues rollout ${id} with the config and plan it started with; leave out ${[
        ...(ctx.positionals.length > 0 ? ['FILE'] : []),
        ...given.map((o) => `--${o}`),
      ].join(', ')}`,
    );
  const stateDir = ctx.string('state-dir') ?? defaultStateDir();
  const file = recordFile(stateDir, id);
  let raw: unknown;
  try {
    raw = await readLocalRecord(stateDir, id);
  } catch (err) {
    throw new CliError('invalid', `${file} cannot be read: ${(err as Error).message}`);
  }
  let op: OperatorClient | null = null;
  try {
    let from = file;
    if (raw === null) {
      const target = resumeTarget(ctx, null, null, null);
      op = await connectOperator(target);
      raw = await readRetainedRecord(op, id).catch((err: Error) => {
        throw new CliError('invalid', `the retained record of rollout ${id} is not JSON: ${err.message}`);
      });
      from = rolloutTopic(op.prefix, op.fleet, id);
      if (raw === null)
        throw new CliError(
          'not_found',
          `no rollout ${id}: neither ${file} (see --state-dir) nor a retained record on ${from} at ${target.url}`,
        );
      ctx.note(`note: no local state file; resuming from the retained record on ${from}`);
    }
    const parsed = parseRecord(raw);
    if (!parsed.ok)
      throw new CliError(
        'invalid',
        `the rollout record from ${from} cannot be resumed:\n${formatErrors(parsed.errors)}`,
      );
    let record = parsed.record;
    if (record.state.plan.id !== id)
      throw new CliError('invalid', `${from} holds rollout ${record.state.plan.id}, not ${id}`);
    if (ctx.string('timeout') !== undefined)
      record = {
        ...record,
        options: { ...record.options, timeoutMs: durationOption(ctx, 'timeout', '60s') },
      };
    const plan = record.state.plan;
    if (record.state.phase === 'done' || record.state.phase === 'aborted') {
      ctx.note(`note: rollout ${id} has already ended (${record.state.phase}); nothing to do`);
      return finishWith(
        ctx,
        summarize(record.state),
        file,
        rolloutTopic(record.options.prefix, plan.fleet, id),
      );
    }
    const signer = signingKey(ctx);
    if (op === null) {
      op = await connectOperator(resumeTarget(ctx, plan.fleet, record.options.broker, record.options.prefix));
    }
    if (signer.keyId !== record.options.keyId)
      ctx.note(`note: signing with key ${signer.keyId}; the rollout started with ${record.options.keyId}`);
    const writer = new RecordWriter(file, op, rolloutTopic(op.prefix, op.fleet, id));
    ctx.note(
      `resuming rollout ${id} (${record.state.phase}, ${plan.devices.length} device(s)); state ${file}`,
    );
    return await drive(ctx, op, record, writer, true, signer);
  } finally {
    await op?.close();
  }
}

export const rollout: Command = {
  name: 'rollout',
  summary: 'roll one config out to many devices: canary first, then waves; stop at a failed wave',
  usage:
    'aimlock rollout FILE --fleet F (--devices a,b,c | --all) --canary N --waves 10%,50%,100% [--timeout 60s] [--max-failure-rate 0] [--pause-between] [--yes] [--rollback-on-abort] [--id ID] [--key KEY] [--key-id ID] [--broker URL] [--state-dir DIR] [--json] | aimlock rollout --resume ID --key KEY [--state-dir DIR] [--yes] [--json]',
  options: {
    ...OPERATOR_OPTIONS,
    devices: { type: 'string' },
    all: { type: 'boolean' },
    canary: { type: 'string' },
    waves: { type: 'string' },
    timeout: { type: 'string' },
    'max-failure-rate': { type: 'string' },
    'pause-between': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    'rollback-on-abort': { type: 'boolean' },
    resume: { type: 'string' },
    id: { type: 'string' },
    key: { type: 'string' },
    'key-id': { type: 'string' },
    'state-dir': { type: 'string' },
  },
  positionals: [0, 1],
  help: `
FILE is a config ({"aim": …, "safety": …, "update_window": …}, or an envelope whose config is used); it is
schema-checked first and nothing is published when it is invalid (exit 1, errors with JSON pointers).

The devices, in rollout order: --devices a,b,c, or --all (every device with a retained status in the fleet,
sorted by name). The first --canary N of them are wave 0; --waves lists cumulative percents of the whole list:
a percent p reaches the first ceil(p% × N) devices, a percent that adds no device is skipped, and 100% is
added when missing (both are said). Each device gets one push signed with --key: its version is one above
its applied version (retained status; above its retained desired push too, if a newer one is pending), its
id is derived from the rollout id (ROLLOUT:DEVICE:vN), so a push re-sent after a crash is answered
"duplicate", never applied twice.

A wave is published (retained, QoS 1), then waits for every final answer, up to --timeout (default 60s) per
wave. "deferred" (hold, lock_hot, update window) is not failure: the wave keeps waiting. Failure is a
rejection (any code) or a timeout; "superseded" (someone pushed a newer config) is neutral; "duplicate" is
success. A wave fails when any device answers lock_mismatch, or when the share of failures exceeds
--max-failure-rate (a share 0.1 or a percent 10%; default 0). A failed wave aborts the rollout: no further
device is touched; with --rollback-on-abort every device that applied gets the config it ran before (read
from its retained push before the rollout) back, as a newer version. --pause-between asks for a go after
each passed wave ([y/N] on a terminal; without one it aborts, unless --yes answers for you). Ctrl-C aborts
(a second one leaves at once); SIGTERM leaves at once, deciding nothing: --resume continues.

Progress: on a terminal a live line per wave; otherwise one line per event (drone-03 wave 0 applied v7), on
stderr. The summary (every wave, every device with its answer and a next step) goes to stdout; --json prints
it as one object instead and shows no progress.

State: after every step in --state-dir (default ~/.aimlock/rollouts/ID.json) and retained on
aimlock/v1/{fleet}/rollouts/ID. If this machine dies, aimlock rollout --resume ID --key KEY continues where it
stopped: answers missed meanwhile are recovered from the devices' retained statuses and no device is pushed
twice. Without the local file, --resume reads the retained record (give --fleet and --broker).
--id names the rollout (default r-TIMESTAMP-RANDOM, printed at the start). --fleet/--broker default to those
of --settings FILE.

Exit: 0 done; 6 aborted (the reason and where to look); 1 invalid config or key; 2 usage; 5 broker
unreachable.
Example: aimlock rollout aim-v2.json --fleet alpha --all --canary 2 --waves 10%,50%,100% \\
           --key ops-2026.key --broker mqtts://broker:8883 --rollback-on-abort`,
  async run(ctx) {
    const resumeId = ctx.string('resume');
    return resumeId !== undefined ? resumeRollout(ctx, resumeId) : startRollout(ctx);
  },
};
