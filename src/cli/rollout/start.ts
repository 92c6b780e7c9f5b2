// Starting a rollout: the config checked, the devices read from the fleet with what each runs now, the plan
// and every push it may publish checked against the agent's gates, and the record saved before the first push.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkConfig } from '../../accept/check-config.js';
import { CliError } from '../../errors.js';
import { nextVersion, type Status, signedPush } from '../../fleet/operator.js';
import { createRollout, pushId, rollbackId } from '../../fleet/rollout/plan.js';
import {
  defaultStateDir,
  type PreviousConfig,
  RECORD_KIND,
  RecordWriter,
  type RolloutRecord,
  recordFile,
  rolloutTopic,
} from '../../fleet/rollout/store.js';
import { waveLabel } from '../../fleet/rollout/waves.js';
import { validate } from '../../schemas/index.js';
import type { Context } from '../command.js';
import { connectOperator, durationOption, operatorTarget, signingKey } from '../commands/push.js';
import { formatErrors, readConfigToPublish } from '../read-input.js';
import { drive } from './drive.js';
import { newRolloutId, parseRate, parseWaves, planErrors } from './options.js';

/** CONTRACT §5: the agent answers too_large above this; push ids are at most 128 characters. */
const MAX_PUSH_BYTES = 64 * 1024;
const MAX_ID = 128;

const byName = new Intl.Collator('en', { numeric: true }).compare;

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
  const version = desired?.version;
  const check = desired ? checkConfig(desired.config, {}) : null;
  // The desired push is the config running only when the device says it applied that very push (or, offline,
  // its last will no longer says: then the retained push is the best knowledge there is).
  const running = status?.applied ? status.applied.id === id : status?.state === 'offline';
  if (id !== null && typeof version === 'number' && check?.ok && running)
    previous = { id, version, config: check.config };
  return { base, previous, warnings };
}

export async function startRollout(ctx: Context): Promise<number> {
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
  const config = await readConfigToPublish(ctx, file);
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
        { device: d, version: v, config: config, rollout: id, id: pushId(id, d, v) },
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
      config: config,
      previous,
      options: {
        timeoutMs,
        keyId,
        keyFile: resolve(ctx.string('key')!),
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
