// The agent as a real process (compiled aimlockd) against a real broker, and an operator-side MQTT client
// that signs pushes, publishes them and collects what the device answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { parseLogLine } from '../../src/cli/pretty-log.js';
import { signEnvelope } from '../../src/sign/index.js';
import {
  configWith,
  GOOD_CONFIG,
  HERE,
  makeBoard,
  plainNode,
  type Runtime,
  type TestBoard,
} from './board.js';
import { exited } from './procs.js';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
  /** tap's Test has both: a failed test shows the agent's last log lines (a flake in CI is then readable). */
  passing?(): boolean;
  comment?(...args: unknown[]): void;
}

export interface OperatorKey {
  id: string;
  key: KeyObject;
}

/** A board whose settings point at `brokerUrl`, with a trusted operator key installed. */
export function agentBoard(
  dir: string,
  brokerUrl: string,
  settings: Record<string, unknown> = {},
): TestBoard & { op: OperatorKey } {
  // A unix socket path must fit in 108 bytes; tap's fixture directories are long, so the socket lives in /tmp.
  const socket = join(mkdtempSync(join(tmpdir(), 'al-')), 'aimlockd.sock');
  const board = makeBoard(dir, {
    broker: { url: brokerUrl, keepalive_s: 5 },
    ...settings,
    lock: { gc_interval_ms: 500, ...(settings.lock as object) },
    paths: { socket, ...(settings.paths as object) },
  });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(join(board.dir, 'keys', 'ops-test.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  return { ...board, op: { id: 'ops-test', key: privateKey } };
}

export interface RunningAgent {
  child: ChildProcess;
  logs: string[];
  /** Resolves with the first log record whose msg matches. */
  waitLog(pattern: RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
}

/**
 * `opts.env`: extra environment for the agent (e.g. NOTIFY_SOCKET), over this process's own.
 * `opts.user`: run it as this uid/gid (the board's state directory must be theirs: helpers/users.ts).
 * `opts.runtime`: another Node and build to run it with (the ARM lane's x64 peer).
 * `opts.wrap`: runs it through another program that execs it (`ip netns exec NS`); the pid stays the agent's.
 * `opts.nodeFlags`: Node flags for it (NODE_OPTIONS is cleared for every child node: see plainNode).
 */
export async function startAgent(
  t: Teardown,
  board: TestBoard,
  opts: {
    env?: NodeJS.ProcessEnv;
    runtime?: Runtime;
    wrap?: (argv: string[]) => [string, string[]];
    user?: { uid: number; gid: number };
    /** Node flags before the agent's main (the unit's heap flags, say). */
    nodeFlags?: string[];
  } = {},
): Promise<RunningAgent> {
  const runtime = opts.runtime ?? HERE;
  const main = join(runtime.root, 'dist/agent/main.js');
  const [node, args] = plainNode(
    [...(opts.nodeFlags ?? []), main, '--settings', board.settingsFile],
    runtime,
  );
  const [file, argv]: [string, string[]] = opts.wrap ? opts.wrap([node, ...args]) : [node, args];
  const startedAt = Date.now();
  const child = spawn(file, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
    ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
  });
  const logs: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  let partial = '';
  child.stdout!.on('data', (d) => {
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    logs.push(...lines);
  });
  t.teardown(async () => {
    if (t.passing?.() === false)
      t.comment?.(
        `agent pid ${child.pid}, its last log lines:\n${[...logs, partial, stderr].slice(-40).join('\n')}`,
      );
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
  });
  const waitLog = async (pattern: RegExp, timeoutMs = 20000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const line of logs) {
        // Plain JSON, or the journal form when the test gives the agent a JOURNAL_STREAM.
        const rec = parseLogLine(line);
        if (rec && pattern.test(String(rec.msg))) return rec;
      }
      if (child.exitCode !== null)
        throw new Error(`agent exited (${child.exitCode}) before ${pattern}: ${stderr}\n${logs.join('\n')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`agent did not log ${pattern} within ${timeoutMs} ms:\n${logs.slice(-30).join('\n')}`);
  };
  await waitLog(/^aimlockd ready/);
  await untilSubscribed(board.settingsFile, startedAt);
  return {
    child,
    logs,
    waitLog,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      return child.exitCode;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

/**
 * READY does not wait for the broker (by design), so a non-retained push a test sends right after it could reach
 * the broker before the agent's SUBSCRIBE and be lost. The agent publishes its retained status after SUBSCRIBE on
 * the same connection, so a status of this start seen on the broker means the subscription is in place. Bounded:
 * a test whose broker is down (or needs TLS or credentials) on purpose goes on after it.
 */
async function untilSubscribed(settingsFile: string, since: number, timeoutMs = 5000): Promise<void> {
  const s = JSON.parse(readFileSync(settingsFile, 'utf8')) as {
    broker?: { url?: string };
    device: string;
    fleet: string;
  };
  const url = s.broker?.url;
  if (!url?.startsWith('mqtt://')) return;
  const client = await mqtt
    .connectAsync(url, { clientId: `probe-${randomUUID()}`, reconnectPeriod: 0, connectTimeout: timeoutMs })
    .catch(() => null);
  if (!client) return;
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      client.on('message', (_topic, payload) => {
        try {
          const doc = JSON.parse(payload.toString()) as { state?: string; ts?: string };
          if (doc.state !== 'offline' && Date.parse(doc.ts ?? '') >= since - 1000) {
            clearTimeout(timer);
            resolve();
          }
        } catch {} // not a status document: keep waiting
      });
      client.subscribe(`${prefix(s.device, s.fleet)}/status`, { qos: 1 });
    });
  } finally {
    await client.endAsync(true);
  }
}

export const prefix = (device = 'drone-07', fleet = 'alpha') => `aimlock/v1/${fleet}/${device}`;

/** A signed push envelope for `device`, with overrides (set `signature: null` to leave it unsigned). */
export function envelope(
  op: OperatorKey | null,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  const { signature, ...rest } = fields;
  const doc = {
    kind: 'aimlock.push/v1',
    id: randomUUID(),
    device: 'drone-07',
    version: 1,
    issued_at: new Date().toISOString(),
    config: GOOD_CONFIG,
    ...rest,
  };
  if (signature === null || !op) return doc;
  return signEnvelope(doc, op.key, op.id) as Record<string, unknown>;
}

export interface Operator {
  client: MqttClient;
  results: Array<Record<string, unknown>>;
  telemetry: Array<Record<string, unknown>>;
  publish(
    doc: Record<string, unknown> | Buffer | string,
    opts?: { retain?: boolean; device?: string },
  ): Promise<void>;
  /** The first result for push `id` matching `status` (any status when omitted), among results[from…]. */
  result(
    id: string,
    status?: string | RegExp,
    timeoutMs?: number,
    from?: number,
  ): Promise<Record<string, unknown>>;
  event(name: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  retainedStatus(device?: string): Promise<Record<string, unknown> | null>;
}

/** `persistent`: a session the broker keeps (and, with persistence, queues for) across disconnects. */
export async function operator(
  t: Teardown,
  url: string,
  device = 'drone-07',
  persistent = false,
): Promise<Operator> {
  const client = await mqtt.connectAsync(url, {
    clientId: `op-${randomUUID()}`,
    clean: !persistent,
    reconnectPeriod: 200,
  });
  t.teardown(() => client.endAsync(true));
  const results: Array<Record<string, unknown>> = [];
  const telemetry: Array<Record<string, unknown>> = [];
  client.on('message', (topic, payload) => {
    const doc = JSON.parse(payload.toString()) as Record<string, unknown>;
    if (topic.endsWith('/config/result')) results.push(doc);
    else if (topic.endsWith('/telemetry')) telemetry.push(doc);
  });
  await client.subscribeAsync([`${prefix(device)}/config/result`, `${prefix(device)}/telemetry`], { qos: 1 });
  const poll = async <T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline)
        throw new Error(`no ${what} within ${timeoutMs} ms; results: ${JSON.stringify(results)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    client,
    results,
    telemetry,
    async publish(doc, opts = {}) {
      const payload = Buffer.isBuffer(doc) || typeof doc === 'string' ? doc : JSON.stringify(doc);
      await client.publishAsync(`${prefix(opts.device ?? device)}/config/push`, payload, {
        qos: 1,
        retain: opts.retain ?? false,
      });
    },
    result(id, status, timeoutMs = 20000, from = 0) {
      const ok = (r: Record<string, unknown>) =>
        r.id === id &&
        (status === undefined ||
          (typeof status === 'string' ? r.status === status : status.test(String(r.status))));
      return poll(
        () => results.slice(from).find(ok),
        `result for ${id} (${String(status ?? 'any')})`,
        timeoutMs,
      );
    },
    event(name, timeoutMs = 20000) {
      return poll(() => telemetry.find((e) => e.event === name), `telemetry ${name}`, timeoutMs);
    },
    async retainedStatus(dev = device) {
      const c = await mqtt.connectAsync(url, { clientId: `st-${randomUUID()}`, clean: true });
      try {
        const got = new Promise<Record<string, unknown> | null>((resolve) => {
          c.on('message', (_t, p) => resolve(JSON.parse(p.toString())));
          setTimeout(() => resolve(null), 1500);
        });
        await c.subscribeAsync(`${prefix(dev)}/status`, { qos: 1 });
        return await got;
      } finally {
        await c.endAsync(true);
      }
    },
  };
}

/**
 * Pushes `version` (retained, a config of its own) to the board's agent and waits for its final answer:
 * `r`, the result; `at`, when it arrived (Date.now(), the clock strace's -ttt uses, for per-push windows).
 */
export async function pushVersion(
  op: Operator,
  board: { op: OperatorKey },
  version: number,
  timeoutMs = 60_000,
): Promise<{ r: Record<string, unknown>; at: number }> {
  const doc = envelope(board.op, {
    version,
    config: configWith((c) => (c.aim.sensitivity = 0.1 + version / 100)),
  });
  const from = op.results.length;
  await op.publish(doc, { retain: true });
  const r = await op.result(String(doc.id), /applied|rejected/, timeoutMs, from);
  return { r, at: Date.now() };
}
