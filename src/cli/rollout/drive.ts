// One rollout run to its end, started or resumed: the runner wired to the terminal and to the signals, and
// the record flushed whatever happens.

import { CliError } from '../../errors.js';
import type { OperatorClient } from '../../fleet/operator.js';
import { RolloutRunner } from '../../fleet/rollout/runner.js';
import { RecordNotSaved, type RecordWriter, type RolloutRecord } from '../../fleet/rollout/store.js';
import type { RolloutSummary } from '../../fleet/rollout/types.js';
import type { Context } from '../command.js';
import type { signingKey } from '../commands/push.js';
import { finishWith, makeAsk, progressFor } from './terminal.js';

export async function drive(
  ctx: Context,
  op: OperatorClient,
  record: RolloutRecord,
  writer: RecordWriter,
  resuming: boolean,
  { key, keyId }: ReturnType<typeof signingKey>,
): Promise<number> {
  const progress = progressFor(ctx);
  const ask = makeAsk(ctx, ctx.values.yes === true, progress);
  const id = record.state.plan.id;
  const runner = new RolloutRunner({
    op,
    record,
    key,
    keyId,
    writer,
    progress,
    ask,
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
  let unsaved = false;
  try {
    s = resuming ? await runner.resume() : await runner.start();
  } catch (err) {
    unsaved = err instanceof RecordNotSaved;
    if (unsaved) throw new CliError('rollout_record', (err as Error).message);
    throw err;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onLeave);
    process.off('SIGHUP', onLeave);
    ask.close();
    progress.close();
    // Once more, whatever happened; the error above already said it when saving was what stopped the run.
    await writer.flush().catch((err: Error) => {
      if (!unsaved) ctx.note(`warning: saving the rollout state failed: ${err.message}`);
    });
  }
  return finishWith(ctx, s, writer.file, writer.topic);
}
