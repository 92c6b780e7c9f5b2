// aimlockd, wired: board + keys + limits + transport + desired state + watchdog + control socket.
// Lifecycle: start() reclaims ghosts left from before (boot reclaim) before it accepts any push; stop()
// finishes the landing in progress, releases the lock, publishes `offline` and closes everything.
import type { Server } from 'node:net';
import type { Logger } from 'pino';
import { readLive, unrecorded } from '../accept/live.js';
import { readHold } from '../board/hold.js';
import { type Board, openBoard } from '../board/open.js';
import { CommandHandler } from '../command/handler.js';
import { evidence, type Observation } from '../lock/observe.js';
import type { LoadedSettings } from '../settings/load.js';
import { Outbox } from '../store/outbox.js';
import { type AgentState, readState } from '../store/state.js';
import type { PushMeta } from '../transport/inbound.js';
import { Transport } from '../transport/index.js';
import { auditRejection } from './audit-rejection.js';
import { bootLook } from './boot-look.js';
import { serveControl } from './control.js';
import { answerControl } from './control-requests.js';
import { publishDeferredEvents } from './deferred.js';
import { DesiredState } from './desired.js';
import { InstanceLock } from './instance-lock.js';
import {
  AGENT_VERSION,
  mismatchFields,
  type ResultFields,
  resultMessage,
  type StatusFields,
  statusMessage,
  type TelemetryEvent,
  telemetryMessage,
} from './messages.js';
import { type Completed, completedAnswer, echoOf, recoverAtStart, sweepDeadWriters } from './recover.js';
import { SdNotify } from './sd-notify.js';
import { TrustInputs } from './trust.js';
import { watchVehicleState } from './vehicle-watch.js';
import { Watchdog } from './watchdog.js';

export class Agent {
  readonly board: Board;
  private readonly trust: TrustInputs;
  private readonly desired: DesiredState;
  private readonly watchdog: Watchdog;
  private readonly transport: Transport;
  private readonly commands: CommandHandler;
  private readonly notify = new SdNotify();
  private control: Server | null = null;
  private instance: InstanceLock | null = null;
  private stopVehicleWatch: () => void = () => {};
  private lastVerdict: string | null = null;
  private lastResult: StatusFields['lastResult'] = null;
  /** What status reports as applied; refreshed from state.json whenever it is read anyway. */
  private applied: { id: string; version: number; sha256: string } | null = null;
  private holdOn = false;
  /** A landing that went live before a crash and was recorded at this start: its push is still unanswered. */
  private completedAtStart: Completed | null = null;
  private timers = new Set<NodeJS.Timeout>();

  /**
   * `opts.commands: false`: the agent leaves operator commands alone (it does not subscribe to them): the
   * simulator's own responder answers for its drones instead, and a drone must not answer twice.
   */
  constructor(
    readonly settings: LoadedSettings,
    private readonly log: Logger,
    /** `instanceLock: false`: the caller already keeps a second agent off this board (the simulator holds one
     *  lock for all its boards: each of 10,000 per-board locks is a line of /proc/locks, which every lock
     *  observation on the machine reads whole). `keepDirsOpen: false`: the state directory is walked on every
     *  use instead of kept open (store/owned.ts), for a caller running thousands of agents. `landingTurn`:
     *  pushes land only in a turn from it (the simulator rations landings across its boards). */
    private readonly opts: {
      instanceLock?: boolean;
      commands?: boolean;
      keepDirsOpen?: boolean;
      landingTurn?: () => Promise<() => void>;
    } = {},
  ) {
    this.board = openBoard(settings, 'aimlockd', log, { keepOpen: opts.keepDirsOpen ?? true });
    this.trust = new TrustInputs(this.board.paths, log);
    const policy = settings.lock.auto_reclaim;
    this.board.locksmith.onReclaim = (previous) => void this.reclaimed(previous).catch(this.logError);
    this.desired = new DesiredState({
      board: this.board,
      answer: (f) => this.answer(f),
      onMismatch: async (lock) =>
        this.telemetry('lock_mismatch', mismatchFields(this.board.paths.fileName, lock)),
      onHookFailed: async (detail, e) =>
        this.telemetry('apply_hook_failed', { id: e.id, version: e.version, detail }),
      hold: () => this.currentHold(),
      later: (ms) => this.later(ms),
      onError: this.logError,
      rescreen: async (e) => {
        // Screened on arrival under the keys and limits loaded now: nothing to find again (trust.ts).
        if (this.trust.unchangedSince(e)) return null;
        const again = this.trust.rescreen(e, this.screenContext(await this.readState()));
        return again.ok ? null : again.rejection;
      },
      landingTurn: opts.landingTurn,
      reclaimStale: policy === 'always',
    });
    this.watchdog = new Watchdog({
      locksmith: this.board.locksmith,
      actor: this.board.actor,
      intervalMs: settings.lock.gc_interval_ms,
      reclaim: policy === 'always',
      onReclaimed: (previous) => this.reclaimed(previous),
      onMismatch: async (seen) => {
        this.log.warn(
          { verdict: seen.verdict, lock: evidence(seen) },
          `lock mismatch: ${this.board.paths.fileName} HOT`,
        );
        await this.telemetry('lock_mismatch', mismatchFields(this.board.paths.fileName, evidence(seen)));
      },
      onTick: (seen) => {
        this.noteVerdict(seen.verdict);
        this.desired.kick();
      },
      onError: this.logError,
      onReclaimFailed: (err) =>
        this.log.error(
          { err: (err as Error).message },
          `the lock collector could not reclaim a ghost: ${(err as Error).message}; reported as a lock mismatch until a technician fixes the cause (then aimlock reclaim)`,
        ),
    });
    this.transport = new Transport({
      settings,
      outbox: new Outbox(this.board.paths.outbox),
      log,
      agentVersion: AGENT_VERSION,
      onPush: (payload, meta) => this.onPush(payload, meta.retained),
      ...(opts.commands !== false
        ? { onCommand: (payload: Buffer, meta: PushMeta) => this.commands.handle(payload, meta.retained) }
        : {}),
      statusNow: () => this.statusDoc(),
    });
    // Operator commands (CONTRACT §9): screened and carried out in src/command/; the actions end in the same
    // reactions as a technician's command on the control socket (onControl).
    this.commands = new CommandHandler({
      device: settings.device,
      board: this.board,
      signing: () => this.trust.signing,
      control: (req) => this.onControl(req),
      landingInProgress: () => this.desired.landingNow,
      status: () => this.statusDoc(),
      send: (doc) => this.transport.send('commandResult', doc),
      log,
    });
  }

  async start(): Promise<void> {
    // First of all: a second agent on this board must not touch the socket, the outbox or the lock.
    if (this.opts.instanceLock !== false) {
      this.instance = await InstanceLock.take(this.board.paths.stateDir, this.board.tree);
    }
    this.transport.on('connect', ({ sessionPresent }) => {
      // Only a resumed session can have pushes queued for it, delivered at once: then landings wait for the
      // newest. A new session gets at most the one retained push, which lands without waiting.
      if (sessionPresent) {
        this.desired.settle(2000);
        this.log.info('session resumed: landings wait until queued pushes stop arriving');
      }
      this.log.info('connected to the MQTT broker');
    });
    this.transport.on('offline', () => this.log.warn('MQTT broker unreachable; results wait in the outbox'));
    this.reload();
    await this.commands.load();
    await this.readState();
    // The first status (sent on connect) already carries a verdict; the collector's first tick refines it.
    const { verdict, reclaimed } = await bootLook(this.board, this.settings.lock.auto_reclaim, this.log);
    if (reclaimed) await this.reclaimed(reclaimed);
    this.noteVerdict(verdict);
    this.completedAtStart = await recoverAtStart(this.board, this.log);
    const failed = this.completedAtStart?.hookFailed;
    if (failed)
      await this.telemetry('apply_hook_failed', { ...echoOf(this.completedAtStart!), detail: failed });
    await this.readState();
    await publishDeferredEvents(this.board, this.log, (event, fields) => this.telemetry(event, fields));
    this.holdOn = (await this.currentHold()) !== null;
    this.control = await serveControl(this.board.paths.socket, (req) => this.onControl(req));
    this.transport.start();
    // Every policy looks at the lock on the interval (a mismatch is reported whatever the policy); only
    // `always` lets the look reclaim a ghost (the watchdog's `reclaim` option).
    this.watchdog.start();
    await this.watchdog.tick().catch(this.logError);
    this.stopVehicleWatch = watchVehicleState(this.board.paths.vehicleState, () => this.desired.kick());
    await this.notify.ready(`applied ${this.applied?.version ?? 'nothing'}`);
    this.log.info({ settings: this.settings.file, agent_version: AGENT_VERSION }, 'aimlockd ready');
  }

  async stop(): Promise<void> {
    this.log.info('stopping: finishing any landing in progress');
    await this.notify.stopping();
    for (const t of this.timers) clearTimeout(t);
    this.stopVehicleWatch();
    await this.watchdog.stop();
    await this.desired.idle();
    await this.transport.stop();
    await new Promise<void>((resolve) => (this.control ? this.control.close(() => resolve()) : resolve()));
    await this.instance?.release();
    await this.board.locksmith.close();
    this.board.tree.close();
    this.log.info('aimlockd stopped');
  }

  /** Trusted keys and limits, loaded once here and again on SIGHUP (never per push); fail closed (trust.ts). */
  reload(): void {
    this.trust.reload();
    // A waiting push is screened again against what was just loaded (a revoked key, a tightened limit).
    this.desired.kick();
  }

  private screenContext(state: AgentState) {
    return {
      device: this.settings.device,
      now: Date.now(),
      requireSignature: this.settings.require_signature,
      applied: state.applied,
      // One lookup per screening: a scan of the (bounded) list, not a Set built from every id each time.
      seenIds: { has: (id: string) => state.seen_ids.includes(id) },
    };
  }

  /** Never an unhandled rejection: a write failure is logged and the agent runs on. */
  private readonly logError = (err: unknown): void => {
    this.log.error({ err }, 'unexpected failure; the agent carries on');
  };

  private async readState() {
    const state = await readState(this.board.paths.state, this.board.tree);
    // The live file counts over the record when an apply ended between its rename and its record.
    const live = await readLive(this.board.paths.config, this.board.tree).catch(() => null);
    const a = unrecorded(state, live) ?? state.applied;
    this.applied = a ? { id: a.id, version: a.version, sha256: a.sha256 } : null;
    return state;
  }

  private async onPush(payload: Buffer, retained: boolean): Promise<void> {
    if (payload.length === 0) {
      // An empty retained publish is how MQTT clears a retained message: the operator withdrew the desired
      // state for new subscribers. It is not a push, so it gets no answer; what is live stays live.
      this.log.info('the retained push was cleared on the broker; nothing to do');
      return;
    }
    const state = await this.readState();
    const screened = this.trust.screen(payload, this.screenContext(state));
    if (!screened.ok) {
      const r = screened.rejection;
      const completed = completedAnswer(this.completedAtStart, r);
      if (completed) {
        this.completedAtStart = null;
        await this.answer(completed);
        return;
      }
      if (retained && r.code === 'duplicate' && r.id === this.applied?.id) {
        // The retained desired state, redelivered on every (re)subscribe, is what is already live: no news.
        this.log.debug({ id: r.id }, 'retained push is already applied');
        return;
      }
      this.log.info({ id: r.id, version: r.version, code: r.code }, `push refused: ${r.detail}`);
      await this.answer(r);
      return;
    }
    this.log.info(
      { id: screened.envelope.id, version: screened.envelope.version },
      'push accepted as desired state',
    );
    await this.desired.offer({ envelope: screened.envelope, config: screened.config });
  }

  private async answer(f: ResultFields): Promise<void> {
    const doc = resultMessage(this.settings.device, f);
    const level = doc.status === 'rejected' ? 'warn' : 'info';
    this.log[level](
      { id: f.id, version: f.version, status: doc.status, code: f.code },
      `push ${doc.status}: ${f.detail}`,
    );
    if (doc.status === 'rejected') await auditRejection(this.board, f, this.log);
    await this.transport.send('result', doc);
    // The retained status carries the last answer (results are not retained) and what still waits; an answer
    // that changes neither (superseded, duplicate) leaves it alone.
    if (doc.status === 'applied' || doc.status === 'rejected' || doc.status === 'deferred') {
      this.lastResult = {
        id: f.id,
        version: f.version,
        status: doc.status,
        code: f.code,
        ts: String(doc.ts),
      };
      // An applied answer newer than what status says is what is live now (written under the lock a moment
      // ago); anything else (an older answer given late, an incomplete landing) is read back.
      const v = f.version;
      if (doc.status === 'applied' && f.config_sha256 && v !== null && v > (this.applied?.version ?? 0))
        this.applied = { id: f.id, version: v, sha256: f.config_sha256 };
      else if (doc.status === 'applied' || doc.code === 'apply_incomplete') await this.readState();
      await this.transport.publishStatus();
    }
  }

  private async telemetry(event: TelemetryEvent, fields: Record<string, unknown>): Promise<void> {
    await this.transport.send('telemetry', telemetryMessage(this.settings.device, event, fields));
  }

  private async reclaimed(previous: Observation): Promise<void> {
    this.log.info({ lock: evidence(previous) }, 'ghost lock reclaimed');
    await this.telemetry('lock_reclaimed', { file: this.board.paths.fileName, previous: evidence(previous) });
    // The ghost's landing may have left staged records behind (recover.ts); the lock folder's are gone already.
    await sweepDeadWriters(this.board, this.log);
  }

  private async currentHold() {
    const hold = await readHold(this.board.paths.hold, Date.now(), this.board.tree);
    if (hold?.problem && !this.holdOn) this.log.warn({ hold: this.board.paths.hold }, hold.problem);
    if ((hold !== null) !== this.holdOn) {
      this.holdOn = hold !== null;
      await this.telemetry(hold ? 'hold' : 'resume', hold ? { reason: hold.reason, until: hold.until } : {});
      await this.transport.publishStatus();
    }
    return hold;
  }

  private noteVerdict(verdict: string): void {
    if (verdict === this.lastVerdict) return;
    this.lastVerdict = verdict;
    void this.transport.publishStatus().catch(this.logError);
  }

  private onControl(req: Record<string, unknown>): Promise<Record<string, unknown>> {
    return answerControl(req, {
      fileName: this.board.paths.fileName,
      log: this.log,
      status: () => ({
        ...this.statusDoc(),
        pending: this.desired.pending,
        connected: this.transport.connected,
      }),
      readHold: () => this.currentHold(),
      idle: () => this.desired.idle(),
      kick: () => this.desired.kick(),
      lookAtLock: () => this.watchdog.tick(),
      telemetry: (event, fields) => this.telemetry(event, fields),
    });
  }

  private statusDoc(): Record<string, unknown> {
    return statusMessage(this.settings.device, {
      state: this.holdOn ? 'hold' : 'online',
      applied: this.applied,
      verdict: this.lastVerdict,
      desired: this.desired.waiting,
      lastResult: this.lastResult,
    });
  }

  /** A kick of the desired push after `ms` (a hold that ends, a busy lock worth retrying, an expiry). */
  private later(ms: number): void {
    // setTimeout fires at once for anything past 2^31 - 1 ms (~24.8 days): wait that long, then look again.
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        this.desired.kick();
      },
      Math.min(ms, 2 ** 31 - 1),
    );
    t.unref();
    this.timers.add(t);
  }
}
