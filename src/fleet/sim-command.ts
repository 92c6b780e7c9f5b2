// The simulator's command responder (CONTRACT §9): one MQTT connection for every simulated drone of a process,
// subscribed to `{prefix}/{fleet}/+/command`, screening each command in the push's order (size, JSON, schema,
// device, expiry, signature, id) and answering on `…/command/result` as the device would. What a command does
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
import { verifyEnvelope } from '../sign/index.js';
import { MAX_COMMAND_TTL_MS } from './command/envelope.js';
import { checkCommand } from './command/schemas.js';
import { commandResultTopic, fleetCommandFilters, parseCommandTopic } from './command/topics.js';
import type { CommandAction, CommandResult, SignedCommand } from './command/types.js';
import { type ActOutcome, SimBoard } from './sim-command-act.js';

/** schemas/command.schema.json: at most 16 KiB. */
export const MAX_COMMAND_BYTES = 16 * 1024;
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

type Screened =
  | { ok: true; command: SignedCommand }
  | { ok: false; id: string; action: CommandAction | null; code: string; detail: string; keyId?: string };

export async function startResponder(opts: ResponderOptions): Promise<Responder> {
  const prefix = opts.prefix ?? 'aimlock/v1';
  const now = opts.clock ?? Date.now;
  const keys = new Map<string, KeyObject>(opts.keys.map((k) => [k.id, createPublicKey(k.publicPem)]));
  const boards = new Map(opts.devices.map((d) => [d.device, new SimBoard(d.device, d.settingsFile)]));
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

  const screen = (device: string, payload: Buffer): Screened => {
    const refuse = (
      code: string,
      detail: string,
      id = '',
      action: CommandAction | null = null,
    ): Screened => ({
      ok: false,
      id,
      action,
      code,
      detail,
    });
    if (payload.length > MAX_COMMAND_BYTES)
      return refuse('too_large', `the command is ${payload.length} bytes; at most ${MAX_COMMAND_BYTES}`);
    let doc: unknown;
    try {
      doc = JSON.parse(payload.toString('utf8'));
    } catch {
      return refuse('invalid_json', 'the command is not JSON');
    }
    const rec = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
    const id = typeof rec.id === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(rec.id) ? rec.id : '';
    const action = (
      ['hold', 'resume', 'locks', 'reclaim', 'release_force', 'status'].includes(rec.action as string)
        ? rec.action
        : null
    ) as CommandAction | null;
    const checked = checkCommand(doc);
    if (!checked.ok) {
      const first = checked.errors[0];
      return refuse('schema_invalid', `${first?.path || '/'}: ${first?.message ?? 'invalid'}`, id, action);
    }
    const c = checked.value;
    if (c.device !== device)
      return refuse('wrong_device', `the command is for ${c.device}, this is ${device}`, id, action);
    const issued = Date.parse(c.issued_at);
    const expires = Date.parse(c.expires_at);
    if (!(expires > issued) || expires - issued > MAX_COMMAND_TTL_MS)
      return refuse(
        'schema_invalid',
        '/expires_at: must be after issued_at and at most 10 minutes after it',
        id,
        action,
      );
    if (expires <= now()) return refuse('expired', `the command expired at ${c.expires_at}`, id, action);
    const v = verifyEnvelope(c, keys);
    if (!v.ok)
      return {
        ...(refuse(v.code, v.detail, id, action) as Screened & { ok: false }),
        keyId: c.signature.key_id,
      };
    return { ok: true, command: c };
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
    const s = screen(where.device, payload);
    if (!s.ok) {
      answer(where.device, {
        id: s.id,
        action: s.action,
        status: 'refused',
        code: s.code,
        detail: s.detail,
        ...(s.keyId && /^[A-Za-z0-9._-]{1,64}$/.test(s.keyId) ? { key_id: s.keyId } : {}),
      });
      return;
    }
    const c = s.command;
    const ids = seen.get(where.device) ?? new Set<string>();
    seen.set(where.device, ids);
    if (ids.has(c.id)) {
      answer(where.device, {
        id: c.id,
        action: c.action,
        status: 'duplicate',
        code: 'duplicate',
        detail: 'this command id was already executed; nothing done',
        key_id: c.signature.key_id,
      });
      return;
    }
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
