// The remote forms aimed at one device: `aimlock locks|reclaim|release --device D --fleet F --key KEY`. They
// print what the local forms print on the board (the lock table, the reclaim and release sentences) from the
// device's answer, and exit as they do: locks 0 consistent / 3 mismatch; reclaim and release 3 when the
// device refused for the lock's sake. Any other refusal (capability, signature, expiry …) is 1, no answer 5.
import { CliError, EXIT } from '../../errors.js';
import type { CommandAction, CommandArgs, CommandResult } from '../../fleet/command/types.js';
import { CONSISTENT } from '../../lock/types.js';
import { jsonSafe, termSafe, termSafeLines } from '../../term-safe.js';
import type { Context } from '../command.js';
import { NEXT_STEP } from '../lock-view.js';
import { evidenceVerdict, lockEvidence, renderEvidence } from '../remote-lock-view.js';
import { connectCommands, type Remote, singleDevice } from './options.js';
import { progressFor } from './progress.js';

/**
 * Refusal codes that are about the lock itself, not the command: the device looked and the lock is not in a
 * state this action may touch. Any refusal that carries lock evidence counts too.
 */
const LOCK_CODES = new Set(['not_stale', 'kernel_lock_held', 'lock_mismatch', 'lock_hot', 'lock_busy']);

/** One command to one device; resolves with its final answer, or throws timeout / refused. */
async function ask(
  ctx: Context,
  r: Remote,
  device: string,
  action: CommandAction,
  args: CommandArgs,
): Promise<CommandResult> {
  const client = await connectCommands(r.target);
  try {
    await client.statuses(device);
    if (client.isOffline(device))
      ctx.note(`${termSafe(device)} is offline: the command waits in its session until it expires`);
    const progress = progressFor(ctx.io.stderr, 1, 'answered', ctx.json);
    const [o] = await client.send({
      action,
      args,
      devices: [device],
      key: r.key.key,
      keyId: r.key.keyId,
      timeoutMs: r.timeoutMs,
      ttlMs: r.ttlMs,
      onEvent: (e) => {
        if (e.type === 'sent') r.record.sent(e.command, r.by);
        else if (e.type === 'interim' || e.type === 'final') r.record.answer(e.result);
        // Interim answers only: the final one is what this command prints.
        if (e.type === 'interim') progress.event(e);
      },
    });
    progress.end();
    if (o!.state === 'timeout') {
      r.record.timeout(o!.id, device, o!.offline, o!.interim);
      const last = o!.interim ? ` (last answer: ${o!.interim.status}/${o!.interim.code})` : '';
      throw new CliError(
        'timeout',
        `no answer from ${termSafe(device)}${o!.offline ? ' (offline)' : ''} within ${r.timeoutMs / 1000}s to ${action} ${o!.id}${termSafe(last)}; ` +
          `it expires on the device side at its expires_at; check with: aimlock fleet --fleet ${r.target.fleet}`,
        { device, id: o!.id, offline: o!.offline, last: o!.interim },
      );
    }
    return o!.result;
  } finally {
    await client.close();
    try {
      await r.record.close();
    } catch (err) {
      ctx.io.stderr.write(
        `aimlock: warning: the operator's record ${termSafe(r.record.file)} could not be written (${termSafe((err as Error).message)}); check --record\n`,
      );
    }
  }
}

function refusedError(res: CommandResult, action: CommandAction): CliError {
  const e = lockEvidence(res.data);
  const aboutLock = LOCK_CODES.has(res.code) || e !== null;
  const detail = `${termSafe(res.device)} refused ${action}: ${termSafe(res.code)} — ${termSafe(res.detail)}`;
  if (aboutLock && (action === 'reclaim' || action === 'release_force')) {
    const verdict = e ? evidenceVerdict(e) : null;
    const next = verdict ? ` Next: ${NEXT_STEP[verdict]}` : '';
    return new CliError(action === 'reclaim' ? 'not_stale' : 'kernel_lock_held', `${detail}.${next}`, {
      result: res,
    });
  }
  return new CliError('refused', detail, { result: res });
}

export async function remoteLocks(ctx: Context, r: Remote): Promise<number> {
  const device = singleDevice(ctx);
  const res = await ask(ctx, r, device, 'locks', {});
  if (res.status === 'refused') throw refusedError(res, 'locks');
  const e = lockEvidence(res.data);
  if (!e)
    throw new CliError(
      'internal',
      `${termSafe(device)} answered locks without lock evidence (code ${termSafe(res.code)})`,
    );
  if (ctx.json) ctx.io.stdout.write(`${jsonSafe({ device, ...res.data })}\n`);
  else
    ctx.io.stdout.write(
      `${termSafeLines(`device ${termSafe(device)} (answered ${termSafe(res.ts)})\n${renderEvidence(e, Date.parse(res.ts), '?')}`)}\n`,
    );
  const v = evidenceVerdict(e);
  return v !== null && CONSISTENT.has(v) ? EXIT.ok : EXIT.lock;
}

export async function remoteReclaim(ctx: Context, r: Remote): Promise<number> {
  const device = singleDevice(ctx);
  if (ctx.values['dry-run'] === true)
    throw new CliError(
      'usage',
      '--dry-run is local only; remotely, aimlock locks --device shows the verdict',
    );
  const res = await ask(ctx, r, device, 'reclaim', {});
  if (res.status === 'refused') throw refusedError(res, 'reclaim');
  const e = lockEvidence(res.data);
  ctx.emit(
    { device, result: res },
    `${res.status === 'duplicate' ? 'already done' : 'reclaimed'}: ghost lock on ${termSafe(device)}` +
      `${e ? `: ${termSafe(e.reason)}` : ''} — ${termSafe(res.detail)}`,
  );
  return EXIT.ok;
}

/** "The agent is on hold until …" from the answer's hold, as the local form says it; null without one. */
function held(data: Record<string, unknown> | undefined): string | null {
  const hold = data?.hold as { until?: unknown } | undefined;
  return typeof hold?.until === 'string' ? `The agent is on hold until ${termSafe(hold.until)}.` : null;
}

export async function remoteRelease(
  ctx: Context,
  r: Remote,
  reason: string,
  holdForS: number,
): Promise<number> {
  const device = singleDevice(ctx);
  const res = await ask(ctx, r, device, 'release_force', { reason, hold_for: holdForS });
  if (res.status === 'refused') throw refusedError(res, 'release_force');
  // The device answers what it cleared as `previous` (the lock as it was); `lock` from an older responder.
  const data = res.data as Record<string, unknown> | undefined;
  const e = lockEvidence(data?.previous !== undefined ? { lock: data.previous } : data);
  const was = e
    ? ` (was ${termSafe(e.verdict)}: ${termSafe(String(e.reason ?? '')).replace(/\.+$/, '')})`
    : '';
  ctx.emit(
    { device, result: res },
    `lock on ${termSafe(device)} force-released${was}.\n${held(data) ?? termSafe(res.detail)}\n` +
      `aimlock resume --fleet ${r.target.fleet} --devices ${termSafe(device)} --key … ends the hold now.`,
  );
  return EXIT.ok;
}
