// `aimlock hold|resume --fleet F (--devices a,b | --all) --key KEY`: one signed command per device, answers
// shown live, then one summary. Exit (CONTRACT §9): 0 every device acknowledged; 1 some refused (each named
// with its code); 5 some did not answer within --timeout (named; offline ones marked). When both happen,
// 1 wins: a refusal is a definite answer the operator must act on, and both lists are printed.
import { CliError, EXIT } from '../../errors.js';
import type { CommandClient, Outcome } from '../../fleet/command/client.js';
import type { CommandAction, CommandArgs } from '../../fleet/command/types.js';
import { jsonSafe, termSafe } from '../../term-safe.js';
import type { Context } from '../command.js';
import { connectCommands, deviceList, type Remote } from './options.js';
import { progressFor } from './progress.js';

export interface FanoutSpec {
  action: CommandAction;
  args: CommandArgs;
  /** Past participle for the live line and summary: "held", "resumed". */
  done: string;
}

export async function runFanout(ctx: Context, r: Remote, spec: FanoutSpec): Promise<number> {
  const wanted = deviceList(ctx);
  const client = await connectCommands(r.target);
  let outcomes: Outcome[] = [];
  let devices: string[] = [];
  // From the first publish to the last final answer: what a hold point costs the fleet, printed for the operator.
  let sentAt = 0;
  let lastFinalAt = 0;
  try {
    const statuses = await client.statuses();
    devices = wanted ?? [...statuses.keys()].sort();
    if (devices.length === 0) {
      throw new CliError(
        'not_found',
        `no device of fleet ${r.target.fleet} has a retained status on ${r.target.url}, so --all names nobody; ` +
          'name them with --devices a,b or check --fleet and --broker',
      );
    }
    const unseen = devices.filter((d) => !statuses.has(d));
    if (unseen.length > 0)
      ctx.note(`never seen on ${r.target.url} (no retained status): ${unseen.map(termSafe).join(', ')}`);
    const offline = devices.filter((d) => client.isOffline(d));
    ctx.note(
      `${spec.action} → ${devices.length} device(s) of fleet ${r.target.fleet}` +
        (offline.length > 0
          ? ` (${offline.length} offline: it waits in their session until it expires)`
          : '') +
        `; waiting up to ${r.timeoutMs / 1000}s`,
    );
    const progress = progressFor(ctx.io.stderr, devices.length, spec.done, ctx.json);
    // The offline devices are known before anything is sent: the live line counts them from the start.
    for (const d of offline) progress.event({ type: 'status', device: d, offline: true });
    outcomes = await client.send({
      action: spec.action,
      args: spec.args,
      devices,
      key: r.key.key,
      keyId: r.key.keyId,
      timeoutMs: r.timeoutMs,
      ttlMs: r.ttlMs,
      onEvent: (e) => {
        if (e.type === 'final') lastFinalAt = Date.now();
        if (e.type === 'sent') {
          sentAt ||= Date.now();
          r.record.sent(e.command, r.by);
        } else if (e.type === 'interim' || e.type === 'final') r.record.answer(e.result);
        progress.event(e);
      },
    });
    progress.end();
    for (const o of outcomes)
      if (o.state === 'timeout') r.record.timeout(o.id, o.device, o.offline, o.interim);
  } finally {
    await closeBoth(ctx, client, r);
  }
  return summarize(ctx, r, spec, outcomes, lastFinalAt > 0 ? lastFinalAt - sentAt : null);
}

async function closeBoth(ctx: Context, client: CommandClient, r: Remote): Promise<void> {
  await client.close();
  try {
    await r.record.close();
  } catch (err) {
    // The commands went out and their answers are printed; only the desk's copy is missing. Said loudly,
    // but it does not turn the fleet's answer into a failure.
    ctx.io.stderr.write(
      `aimlock: warning: the operator's record ${termSafe(r.record.file)} could not be written ` +
        `(${termSafe((err as Error).message)}); check --record\n`,
    );
  }
}

function summarize(
  ctx: Context,
  r: Remote,
  spec: FanoutSpec,
  outcomes: Outcome[],
  elapsedMs: number | null,
): number {
  const acked = outcomes.filter((o) => o.state === 'final' && o.result.status !== 'refused');
  const refused = outcomes.flatMap((o) =>
    o.state === 'final' && o.result.status === 'refused' ? [o.result] : [],
  );
  const silent = outcomes.filter((o) => o.state === 'timeout');
  const summary = {
    action: spec.action,
    fleet: r.target.fleet,
    devices: outcomes.length,
    acknowledged: acked.length,
    /** First command published → last final answer received (null: none came). */
    elapsed_ms: elapsedMs,
    refused: refused.map((x) => ({ device: x.device, code: x.code, detail: x.detail })),
    timed_out: silent.map((o) => ({
      device: o.device,
      offline: o.state === 'timeout' && o.offline,
      last: o.state === 'timeout' && o.interim ? { status: o.interim.status, code: o.interim.code } : null,
    })),
    results: outcomes.flatMap((o) => (o.state === 'final' ? [o.result] : [])),
  };
  if (ctx.json) ctx.io.stdout.write(`${jsonSafe(summary)}\n`);
  const took = elapsedMs === null ? '' : ` (last answer after ${(elapsedMs / 1000).toFixed(2)} s)`;
  const head = `${spec.action}: ${acked.length}/${outcomes.length} ${spec.done}${took}`;
  if (refused.length === 0 && silent.length === 0) {
    if (!ctx.json) ctx.emit(summary, `${head}`);
    return EXIT.ok;
  }
  const lines = [head];
  for (const x of refused)
    lines.push(`refused by ${termSafe(x.device)}: ${termSafe(x.code)} — ${termSafe(x.detail)}`);
  if (silent.length > 0) {
    const named = silent.map((o) => {
      const why = o.state === 'timeout' && o.offline ? 'offline' : null;
      const last = o.state === 'timeout' && o.interim ? `last ${o.interim.status}/${o.interim.code}` : null;
      const extra = [why, last].filter(Boolean).join(', ');
      return `${termSafe(o.device)}${extra ? ` (${termSafe(extra)})` : ''}`;
    });
    lines.push(`no answer within ${r.timeoutMs / 1000}s: ${named.join(', ')}`);
  }
  throw new CliError(refused.length > 0 ? 'refused' : 'timeout', lines.join('\n'), summary);
}
