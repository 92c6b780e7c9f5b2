// Resuming a rollout: the record read from --state-dir, or else retained on the broker, the broker and fleet
// found for it, and the run continued where it stopped (or, when it has ended, only its summary shown).
import { CliError } from '../../errors.js';
import { DEFAULT_BROKER_URL, DEFAULT_TOPIC_PREFIX, type OperatorClient } from '../../fleet/operator.js';
import {
  defaultStateDir,
  parseRecord,
  RecordWriter,
  readLocalRecord,
  readRetainedRecord,
  recordFile,
  rolloutTopic,
} from '../../fleet/rollout/store.js';
import { summary as summarize } from '../../fleet/rollout/summary.js';
import type { Context } from '../command.js';
import {
  connectOperator,
  durationOption,
  type OperatorTarget,
  operatorTarget,
  signingKey,
} from '../commands/push.js';
import { formatErrors } from '../read-input.js';
import { drive } from './drive.js';
import { PLAN_OPTIONS } from './options.js';
import { finishWith } from './terminal.js';

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

export async function resumeRollout(ctx: Context, id: string): Promise<number> {
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
    const signer = signingKey(ctx, record.options);
    if (ctx.string('key') === undefined)
      ctx.note(`note: signing with ${signer.keyId} from ${record.options.keyFile}`);
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
