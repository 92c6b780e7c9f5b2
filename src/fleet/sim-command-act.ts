// What a simulated drone does when a command passes screening: the board's own operations, the very ones the
// local CLI forms call (a hold file, the locksmith's observe / reclaim / force release, the audit log, a word
// to the running agent over its control socket), so that a simulated fleet's answers are true of its boards —
// a hot drone's live flock(1) holder makes release_force refuse, a ghost is really reclaimed.
//
// A "landing" drone (the simulator's stand-in for a vehicle in the middle of a landing) answers a hold
// `accepted` / landing_in_progress at once and `done` only after its landing time: CONTRACT §9 says a hold is
// acknowledged once it is in place, never in the middle of a landing.

import { clearHold, type Hold, readHold, writeHold } from '../board/hold.js';
import { type Board, openBoard } from '../board/open.js';
import { notifyAgent, reportToAgent } from '../cli/control.js';
import { evidence, liveHolders } from '../lock/observe.js';
import { loadSettings } from '../settings/load.js';
import type { SignedCommand } from './command/types.js';

export interface ActOutcome {
  status: 'done' | 'refused';
  code: string;
  detail: string;
  data?: Record<string, unknown>;
}

/** One simulated drone's board, opened once (settings read, directories checked) and reused per command. */
export class SimBoard {
  private opened: Board | null = null;

  constructor(
    readonly device: string,
    private readonly settingsFile: string,
  ) {}

  get board(): Board {
    this.opened ??= openBoard(loadSettings(this.settingsFile), 'aimlock');
    return this.opened;
  }

  async act(c: SignedCommand): Promise<ActOutcome> {
    const who = { key_id: c.signature.key_id, command: c.id, origin: 'command' };
    switch (c.action) {
      case 'hold':
        return this.hold(c.args.reason ?? '', c.args.for ?? 1, 'hold', who);
      case 'resume':
        return this.resume(who);
      case 'locks':
        return this.locks();
      case 'reclaim':
        return this.reclaim(who);
      case 'release_force':
        return this.releaseForce(c.args.reason ?? '', c.args.hold_for ?? 1, who);
      case 'status':
        return this.status();
    }
  }

  private async placeHold(reason: string, forS: number, origin: string, who: object): Promise<Hold> {
    const b = this.board;
    const until = new Date(Date.now() + forS * 1000).toISOString();
    const hold: Hold = { reason, since: new Date().toISOString(), until, by: b.actor, origin };
    await writeHold(b.paths.hold, hold, b.tree);
    await b.audit({ event: 'hold', reason, until, origin, actor: b.actor, ...who });
    await notifyAgent(b.paths.socket, { cmd: 'hold_changed' });
    return hold;
  }

  private async hold(reason: string, forS: number, origin: string, who: object): Promise<ActOutcome> {
    const h = await this.placeHold(reason, forS, origin, who);
    return { status: 'done', code: 'ok', detail: `hold in place until ${h.until}`, data: { hold: h } };
  }

  private async resume(who: object): Promise<ActOutcome> {
    const b = this.board;
    const previous = await readHold(b.paths.hold, Date.now(), b.tree);
    const removed = await clearHold(b.paths.hold, b.tree);
    if (removed) {
      await b.audit({ event: 'resume', reason: null, previous, actor: b.actor, ...who });
      await notifyAgent(b.paths.socket, { cmd: 'hold_changed' });
    }
    return {
      status: 'done',
      code: 'ok',
      detail: removed ? 'hold ended: pushes apply again' : 'there was no hold',
      data: { resumed: removed, previous },
    };
  }

  private async locks(): Promise<ActOutcome> {
    const b = this.board;
    const o = await b.locksmith.observe();
    return {
      status: 'done',
      code: 'ok',
      detail: `lock ${o.verdict}: ${o.reason}`,
      data: { file: o.lockFile, config: b.paths.config, ...evidence(o), visibility: o.visibility },
    };
  }

  private async reclaim(who: object): Promise<ActOutcome> {
    const b = this.board;
    const reason = `operator reclaim (command ${(who as { command: string }).command})`;
    const { reclaimed, observation: o } = await b.locksmith.reclaim(b.actor, { reason });
    if (!reclaimed) {
      return {
        status: 'refused',
        code: 'not_stale',
        detail: `the lock is ${o.verdict}, not STALE: ${o.reason}`,
        data: { lock: evidence(o) },
      };
    }
    await reportToAgent(b, 'reclaimed', { reason, previous: evidence(o), actor: b.actor });
    return {
      status: 'done',
      code: 'ok',
      detail: `ghost reclaimed: ${o.reason}`,
      data: { lock: evidence(o) },
    };
  }

  private async releaseForce(reason: string, holdForS: number, who: object): Promise<ActOutcome> {
    const b = this.board;
    const hold = await this.placeHold(`release --force: ${reason}`, holdForS, 'release --force', who);
    const { released, observation: o } = await b.locksmith.forceRelease(b.actor, reason);
    if (!released) {
      return {
        status: 'refused',
        code: 'kernel_lock_held',
        detail:
          `a live process still holds a kernel lock: ${liveHolders(o)}; nothing was ` +
          `cleared, the agent stays on hold until ${hold.until}. Stop that process, then send it again`,
        data: { lock: evidence(o), hold },
      };
    }
    await reportToAgent(b, 'force_released', { reason, previous: evidence(o), actor: b.actor });
    return {
      status: 'done',
      code: 'ok',
      detail: `lock force-released (was ${o.verdict}); the agent is on hold until ${hold.until}`,
      // As the device side answers (README, Commands from the control room): what was cleared, and the hold.
      data: { previous: evidence(o), hold },
    };
  }

  private async status(): Promise<ActOutcome> {
    const b = this.board;
    const [hold, o] = await Promise.all([readHold(b.paths.hold, Date.now(), b.tree), b.locksmith.observe()]);
    return {
      status: 'done',
      code: 'ok',
      detail: hold ? `on hold: ${hold.reason}` : 'online',
      data: { device: this.device, state: hold ? 'hold' : 'online', hold, lock: { verdict: o.verdict } },
    };
  }
}
