// The simulator's command responder (CONTRACT §9): one MQTT connection for every simulated drone of a process,
// subscribed to `{prefix}/{fleet}/+/command`, screening each command with the device's own screen
// (src/command/screen.ts: size, JSON, schema, device, expiry, signature, capability, id) and answering on `…/command/result` as the device would. What a command does
// on a drone is sim-command-act.ts; this file is the screening and the answering.
//
// Cheap by design, for a 1,000-drone hold point: the schema is compiled once per process and the trusted keys
// once per responder (KeyObjects, not PEM per command); one subscription and one connection whatever the
// number of drones; answers are published without waiting for each PUBACK.
//
// INVARIANTS
// - A retained command is never executed (a command is an act, not a desired state): it is ignored.
// - A command id is executed at most once per drone (bounded memory of ids): a redelivery answers `duplicate`.
// - A hold is answered `done` only once the hold is in place; a landing drone first answers `accepted`.
// - The simulator trusts its keys for every capability (it has no .caps files to read): a real board does not.
import { createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { SignedCommand } from '../command/envelope.js';
import { screenCommand } from '../command/screen.js';
import { COMMAND_CODES } from '../errors.js';
import { CAPABILITIES, type KeyCapabilities } from '../sign/index.js';
import { commandResultTopic, fleetCommandFilters, parseCommandTopic } from './command/topics.js';
import type { CommandResult } from './command/types.js';
import { type ActOutcome, SimBoard } from './sim-command-act.js';

/** Ids remembered per drone for `duplicate`; older ones are forgotten (they have long expired by then). */
const MAX_IDS_PER_DEVICE = 1000;

export interface ResponderDevice {
  device: string;
  settingsFile: string;
}

export interface ResponderOptions {
  brokerUrl: string;
  fleet: string;
  prefix?: string;
  devices: readonly ResponderDevice[];
  /** Trusted operator keys (SPKI PEM by key id). */
  keys: readonly { id: string; publicPem: string }[];
  /** Drones that are "landing" when a hold arrives: accepted first, done after landingMs. */
  landingDevices?: readonly string[];
  /** Default 1500 ms. */
  landingMs?: number;
  log?: Logger;
  clock?: () => number;
}

export interface Responder {
  /** Commands answered finally (done, refused, duplicate), for the simulator's summary and the tests. */
  readonly answered: number;
  stop(): Promise<void>;
}

export async function startResponder(opts: ResponderOptions): Promise<Responder> {
  const prefix = opts.prefix ?? 'aimlock/v1';
  const now = opts.clock ?? Date.now;
  const keys = new Map<string, KeyObject>(opts.keys.map((k) => [k.id, createPublicKey(k.publicPem)]));
  // The simulator has no .caps files: every trusted key may do everything (a real board reads them).
  const all: KeyCapabilities = { caps: new Set(CAPABILITIES), source: 'simulator' };
  const caps = new Map(opts.keys.map((k) => [k.id, all]));
  const boards = new Map(opts.devices.map((d) => [d.device, new SimBoard(d.device, d.settingsFile)]));
  // Each board opened now (settings read, directories checked), not by its first command: 1,000 first opens
  // inside one hold point were a tenth of its CPU. A board that cannot be opened is left to fail again on its
  // command, which answers it `internal` with the reason.
  for (const b of boards.values()) {
    try {
      void b.board;
    } catch {}
  }
  const landing = new Set(opts.landingDevices ?? []);
  const landingMs = opts.landingMs ?? 1500;
  const seen = new Map<string, Set<string>>();
  const timers = new Set<NodeJS.Timeout>();
  let answered = 0;
  let stopped = false;

  const client: MqttClient = await mqtt.connectAsync(opts.brokerUrl, {
    clientId: `aimlock-sim-cmd-${randomUUID().slice(0, 8)}`,
    clean: true,
    reconnectPeriod: 1000,
    keepalive: 30,
    resubscribe: true,
  });
  (client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  client.on('error', (err) => opts.log?.warn({ err }, 'simulator command responder: broker error'));

  const answer = (device: string, r: Omit<CommandResult, 'kind' | 'device' | 'ts'>) => {
    if (stopped) return;
    if (r.status !== 'accepted') answered++;
    const msg: CommandResult = {
      kind: 'aimlock.command-result/v1',
      device,
      ...r,
      ts: new Date(now()).toISOString(),
    };
    client
      .publishAsync(commandResultTopic(prefix, opts.fleet, device), JSON.stringify(msg), { qos: 1 })
      .catch((err: unknown) => opts.log?.warn({ err, device }, 'simulator: command answer not published'));
  };

  const finish = (device: string, c: SignedCommand, out: ActOutcome) =>
    answer(device, {
      id: c.id,
      action: c.action,
      status: out.status,
      code: out.code,
      detail: out.detail,
      key_id: c.signature.key_id,
      ...(out.data ? { data: out.data } : {}),
    });

  const execute = async (device: string, board: SimBoard, c: SignedCommand) => {
    try {
      if (c.action === 'hold' && landing.has(device)) {
        answer(device, {
          id: c.id,
          action: c.action,
          status: 'accepted',
          code: 'landing_in_progress',
          detail: `a landing is in progress; the hold is placed once it ends (about ${Math.round(landingMs / 100) / 10} s)`,
          key_id: c.signature.key_id,
        });
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, landingMs);
          timers.add(t);
        });
        if (stopped) return;
      }
      finish(device, c, await board.act(c));
    } catch (err) {
      opts.log?.warn({ err, device, command: c.id }, 'simulator: command failed');
      finish(device, c, {
        status: 'refused',
        code: 'internal',
        detail: `the simulated drone failed: ${(err as Error).message}`,
      });
    }
  };

  client.on('message', (topic, payload, packet) => {
    if (packet.retain) {
      opts.log?.warn({ topic }, 'simulator: a retained command is ignored (commands are never retained)');
      return;
    }
    const where = parseCommandTopic(prefix, opts.fleet, topic);
    if (where?.kind !== 'command') return;
    const board = boards.get(where.device);
    if (!board) return; // another process's drone
    const ids = seen.get(where.device) ?? new Set<string>();
    seen.set(where.device, ids);
    // The device's own screening (src/command/screen.ts), so the simulator refuses exactly what a board would.
    const s = screenCommand(payload, {
      device: where.device,
      now: now(),
      keys,
      caps,
      executed: (id) => ids.has(id),
    });
    if (!s.ok) {
      const r = s.refusal;
      answer(where.device, {
        id: r.id,
        action: r.action,
        status: COMMAND_CODES[r.code].status,
        code: r.code,
        detail: r.detail,
        ...(r.keyId ? { key_id: r.keyId } : {}),
      });
      return;
    }
    const c = s.command as SignedCommand;
    ids.add(c.id);
    if (ids.size > MAX_IDS_PER_DEVICE) ids.delete(ids.values().next().value!);
    void execute(where.device, board, c);
  });

  const filter = fleetCommandFilters(prefix, opts.fleet).command;
  await client.subscribeAsync(filter, { qos: 1 });

  return {
    get answered() {
      return answered;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await client.endAsync().catch(() => client.end(true));
    },
  };
}
