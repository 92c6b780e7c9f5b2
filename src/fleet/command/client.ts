// The operator's command client (CONTRACT §9): signs one command per device, publishes it QoS 1 (never
// retained: a command is an act, not a desired state), and collects each device's answers on
// `…/command/result` — an interim `accepted` (a hold waiting for a landing to end), then the final one.
// The fleet's retained statuses say which devices are offline and, for `--all`, which devices there are.
//
// INVARIANTS
// - The fleet's command-result wildcard is subscribed (SUBACK) before the first command goes out, so no answer
//   can come back before we listen.
// - A result counts only when its topic's device, its `device` and the command's device agree and its id is
//   one we sent: anybody may publish on a result topic the broker lets them, a stray answer settles nothing.
// - Each device's outcome is settled once; a late second final answer (a redelivery) changes nothing.
import type { KeyObject } from 'node:crypto';
import { buildCommand, signCommand } from '../../command/envelope.js';
import { validate } from '../../schemas/index.js';
import { OperatorClient, type Status } from '../operator.js';
import type { OperatorConnectOptions } from '../operator-connect.js';
import { commandTopic, fleetCommandFilters, parseCommandTopic } from './topics.js';
import {
  type CommandAction,
  type CommandArgs,
  type CommandResult,
  isFinalCommandStatus,
  type SignedCommand,
} from './types.js';

export type Outcome =
  | { device: string; id: string; state: 'final'; result: CommandResult; interim: CommandResult | null }
  | { device: string; id: string; state: 'timeout'; interim: CommandResult | null; offline: boolean };

export type CommandEvent =
  | { type: 'sent'; device: string; command: SignedCommand }
  | { type: 'interim'; device: string; result: CommandResult }
  | { type: 'final'; device: string; result: CommandResult }
  | { type: 'status'; device: string; offline: boolean };

export interface SendOptions {
  action: CommandAction;
  args?: CommandArgs;
  devices: readonly string[];
  key: KeyObject;
  keyId: string;
  /** How long to wait for every final answer, from the first publish. */
  timeoutMs: number;
  /** expires_at − issued_at (≤ 10 min). */
  ttlMs: number;
  onEvent?: (event: CommandEvent) => void;
  signal?: AbortSignal;
}

interface Pending {
  device: string;
  interim: CommandResult | null;
  settle(outcome: Outcome): void;
}

export class CommandClient {
  private readonly pending = new Map<string, Pending>();
  private readonly offline = new Set<string>();
  private listener: ((event: CommandEvent) => void) | null = null;

  private constructor(readonly op: OperatorClient) {
    op.client.on('message', (topic, payload) => this.onMessage(topic, payload));
    op.on('status', (device, status) => this.onStatus(device, status));
  }

  static async connect(url: string, opts: OperatorConnectOptions): Promise<CommandClient> {
    const op = await OperatorClient.connect(url, opts);
    try {
      const filter = fleetCommandFilters(op.prefix, op.fleet).result;
      const granted = await op.client.subscribeAsync(filter, { qos: 1 });
      if (granted.some((g) => g.qos === 0x80 || g.qos > 2))
        throw new Error(`the broker refused the subscription to ${filter} (check its ACL)`);
      const c = new CommandClient(op);
      return c;
    } catch (err) {
      await op.close();
      throw err;
    }
  }

  /** The fleet's retained statuses (a snapshot; kept live afterwards). */
  async statuses(device?: string): Promise<Map<string, Status>> {
    const all = await this.op.statuses(device === undefined ? {} : { device });
    for (const [d, s] of all) if (s.state === 'offline') this.offline.add(d);
    return all;
  }

  isOffline(device: string): boolean {
    return this.offline.has(device);
  }

  /** Signs and publishes one command per device and resolves with every device's outcome, in `devices` order. */
  async send(opts: SendOptions): Promise<Outcome[]> {
    this.listener = opts.onEvent ?? null;
    const started = Date.now();
    const outcomes = opts.devices.map(
      (device) =>
        new Promise<Outcome>((resolve) => {
          const command = signCommand(
            buildCommand({ device, action: opts.action, args: opts.args, ttlMs: opts.ttlMs, now: started }),
            opts.key,
            opts.keyId,
          );
          let done = false;
          const p: Pending = {
            device,
            interim: null,
            settle: (o) => {
              if (done) return;
              done = true;
              this.pending.delete(command.id);
              resolve(o);
            },
          };
          this.pending.set(command.id, p);
          this.emit({ type: 'sent', device, command });
          // PUBACK is not awaited one by one: 1,000 devices go out in one burst, and the broker keeps order.
          this.op.client
            .publishAsync(commandTopic(this.op.prefix, this.op.fleet, device), JSON.stringify(command), {
              qos: 1,
              retain: false,
            })
            .catch(() => {
              // The client retries an unacknowledged QoS 1 publish on reconnect; if it never gets through,
              // the device never answers and the wait below ends as a timeout naming it.
            });
        }),
    );
    const ids = [...this.pending.keys()];
    const endAll = () => {
      for (const id of ids) {
        const p = this.pending.get(id);
        p?.settle({
          device: p.device,
          id,
          state: 'timeout',
          interim: p.interim,
          offline: this.offline.has(p.device),
        });
      }
    };
    const timer = setTimeout(endAll, Math.max(0, opts.timeoutMs));
    opts.signal?.addEventListener('abort', endAll, { once: true });
    try {
      return await Promise.all(outcomes);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', endAll);
      this.listener = null;
    }
  }

  async close(): Promise<void> {
    for (const [id, p] of [...this.pending]) {
      p.settle({
        device: p.device,
        id,
        state: 'timeout',
        interim: p.interim,
        offline: this.offline.has(p.device),
      });
    }
    await this.op.close();
  }

  private emit(event: CommandEvent): void {
    this.listener?.(event);
  }

  private onStatus(device: string, status: Status | null): void {
    const offline = status?.state === 'offline';
    if (offline === this.offline.has(device)) return;
    if (offline) this.offline.add(device);
    else this.offline.delete(device);
    this.emit({ type: 'status', device, offline });
  }

  private onMessage(topic: string, payload: Buffer): void {
    const where = parseCommandTopic(this.op.prefix, this.op.fleet, topic);
    if (where?.kind !== 'result') return;
    let doc: unknown;
    try {
      doc = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const checked = validate<CommandResult>('command-result', doc);
    if (!checked.ok) return;
    const r = checked.value;
    const p = this.pending.get(r.id);
    if (!p || p.device !== r.device || where.device !== r.device) return;
    if (isFinalCommandStatus(r.status)) {
      this.emit({ type: 'final', device: r.device, result: r });
      p.settle({ device: r.device, id: r.id, state: 'final', result: r, interim: p.interim });
    } else {
      p.interim = r;
      this.emit({ type: 'interim', device: r.device, result: r });
    }
  }
}
