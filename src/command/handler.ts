// One operator command, from the wire to its answer: screen → record its id (write-ahead) → act → audit →
// answer. The agent only routes the `…/command` topic here (agent.ts); every decision is in this folder.
//
// Failure paths, decided:
// - A retained command is never executed (commands are not desired state: a retained one would run again for
//   every new subscription); it is logged at warn and gets no answer. What the agent can see is the RETAIN
//   flag, which the broker sets only on a delivery caused by a subscription (MQTT 3.1.1 §3.3.1.3): a retained
//   publish that reaches the already-subscribed agent live looks like any command and runs once; its stored
//   copy, redelivered on every later (re)subscribe, is what this refuses to run again and again.
// - The executed-ids record cannot be written (full or read-only state dir): a command that changes the board
//   (hold, resume, reclaim, release_force) is refused `state_unwritable` before anything is done; a read-only
//   one (locks, status) runs — a redelivery of it is harmless, and it is what an operator needs on a sick
//   board. See executed.ts.
// - The audit line cannot be written after the action: the action happened and is answered as it is (a
//   refusal would be a lie the operator acts on); the failure is logged at error and named in the detail.
import type { Logger } from 'pino';
import { COMMAND_CODES, type CommandCode } from '../errors.js';
import type { KeyCapabilities } from '../sign/index.js';
import { type ActionDeps, type ActionOutcome, runAction } from './actions.js';
import type { CommandAction } from './envelope.js';
import { ExecutedIds } from './executed.js';
import { type CommandAnswer, commandResultMessage } from './result.js';
import { type CommandScreenContext, screenCommand } from './screen.js';

/** Actions that change nothing on the board: safe to run when their id cannot be recorded. */
const READ_ONLY: ReadonlySet<CommandAction> = new Set(['locks', 'status']);

export interface CommandHandlerDeps extends Omit<ActionDeps, 'interim'> {
  device: string;
  signing: () => Pick<CommandScreenContext, 'keys' | 'keysProblem'> & {
    caps?: ReadonlyMap<string, KeyCapabilities>;
  };
  /** Default: `{state_dir}/commands.json` of the board. */
  executed?: ExecutedIds;
  /** Queues a command result for `…/command/result` through the outbox (sent on reconnect when offline). */
  send: (doc: object) => Promise<void>;
  log: Logger;
}

export class CommandHandler {
  private readonly executed: ExecutedIds;

  constructor(private readonly d: CommandHandlerDeps) {
    this.executed = d.executed ?? new ExecutedIds(d.board.paths.commands, d.board.tree);
  }

  /** Reads the executed-ids record; before the first command (the agent calls it before it connects). */
  async load(): Promise<void> {
    const forgotten = await this.executed.load();
    if (forgotten) this.d.log.error({ commands: this.d.board.paths.commands }, forgotten);
  }

  async handle(payload: Buffer, retained: boolean): Promise<void> {
    if (retained) {
      if (payload.length > 0) {
        this.d.log.warn(
          { bytes: payload.length },
          'a RETAINED command was delivered and is ignored: commands are never retained (clear it on the broker: publish an empty retained message to the command topic)',
        );
      }
      return;
    }
    const screened = screenCommand(payload, {
      device: this.d.device,
      now: Date.now(),
      ...this.d.signing(),
      executed: (id) => this.executed.has(id),
    });
    if (!screened.ok) {
      const r = screened.refusal;
      await this.finish({ ...r, ...(r.keyId ? { keyId: r.keyId } : {}) }, null);
      return;
    }
    const { command: c, keyId } = screened;
    const base = { id: c.id, action: c.action, keyId };
    this.d.log.info({ id: c.id, action: c.action, key_id: keyId }, `command ${c.action} passed screening`);
    try {
      await this.executed.record({
        id: c.id,
        action: c.action,
        expires_at: c.expires_at,
        at: new Date().toISOString(),
      });
    } catch (err) {
      const why = (err as Error).message;
      if (!READ_ONLY.has(c.action)) {
        await this.finish(
          {
            ...base,
            code: 'state_unwritable',
            detail: `the device cannot record command ${c.id} (${why}); nothing done. Free space in the state directory, then send it again with a new id`,
          },
          c.args.reason ?? null,
        );
        return;
      }
      this.d.log.error({ err: why, id: c.id }, 'command id not recorded; a read-only command runs anyway');
    }
    let outcome: ActionOutcome;
    // The action's own audit lines (hold, resume) must not turn a hold already written into a refusal: an audit
    // failure is logged, remembered, and named in the final answer instead (see the header).
    const unaudited: string[] = [];
    const board = {
      ...this.d.board,
      audit: (entry: Record<string, unknown>) =>
        this.d.board.audit(entry).catch((err: unknown) => {
          unaudited.push((err as Error).message);
          this.d.log.error(
            { err: (err as Error).message, id: c.id },
            `${String(entry.event)} not written to the audit log`,
          );
        }),
    };
    try {
      outcome = await runAction(
        { ...this.d, board, interim: (code, detail) => this.send({ ...base, code, detail }) },
        c,
        keyId,
      );
    } catch (err) {
      outcome = {
        code: 'command_failed',
        detail: `${c.action} failed on the device: ${(err as Error).message}; see aimlockd's log, fix, then send it again with a new id`,
      };
    }
    if (unaudited.length) outcome.detail += ` (not audited on the device: ${unaudited[0]})`;
    await this.finish({ ...base, ...outcome }, c.args.reason ?? null, unaudited.length > 0);
  }

  /** Audits the final answer, logs it at its level, and sends it. */
  private async finish(a: CommandAnswer, reason: string | null, named = false): Promise<void> {
    const status = COMMAND_CODES[a.code].status;
    let detail = a.detail;
    try {
      await this.d.board.audit({
        event: 'command',
        id: a.id,
        action: a.action,
        key_id: a.keyId ?? null,
        reason,
        outcome: status,
        code: a.code,
        detail: a.detail,
        actor: this.d.board.actor,
      });
    } catch (err) {
      this.d.log.error(
        { err: (err as Error).message, id: a.id, code: a.code },
        'command not written to the audit log',
      );
      if (!named) detail = `${detail} (not audited on the device: ${(err as Error).message})`;
    }
    const level = levelOf(a.code);
    this.d.log[level](
      { id: a.id, action: a.action, key_id: a.keyId, status, code: a.code },
      `command ${a.action ?? '?'} ${status}: ${a.detail}`,
    );
    await this.send({ ...a, detail });
  }

  private async send(a: CommandAnswer): Promise<void> {
    await this.d.send(commandResultMessage(this.d.device, a));
  }
}

/**
 * done and duplicate are routine (info); a refusal of a well-signed command for a lock reason is the board
 * speaking (info too: the operator has the answer); anything that smells of a bad sender, a broken key setup
 * or a sick board is warn, and a failure of the device itself is error.
 */
function levelOf(code: CommandCode): 'info' | 'warn' | 'error' {
  if (code === 'command_failed' || code === 'state_unwritable' || code === 'keys_unreadable') return 'error';
  const status = COMMAND_CODES[code].status;
  if (status === 'refused' && code !== 'not_stale' && code !== 'kernel_lock_held') return 'warn';
  return 'info';
}
