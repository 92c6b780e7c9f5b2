// The operator's side of commands in tests: sign a command with src/command/envelope.ts (the same function the
// operator CLI uses) and publish it on `…/command`; collect what the device answers on `…/command/result`.
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { buildCommand, type CommandAction, signCommand } from '../../src/command/envelope.js';
import type { OperatorKey } from './agent.js';
import { prefix } from './agent.js';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

export type Doc = Record<string, unknown>;

/** A signed command (fields over the built envelope, then signed; `signature: null` leaves it unsigned). */
export function command(
  op: OperatorKey | null,
  action: CommandAction,
  args: Doc = {},
  fields: Doc = {},
): Doc {
  const { signature, ...rest } = fields;
  const doc = { ...buildCommand({ device: 'drone-07', action, args, ttlMs: 60_000 }), ...rest } as Doc;
  if (signature === null || !op) return doc;
  return signCommand(doc as never, op.key, op.id) as unknown as Doc;
}

export interface Commander {
  client: MqttClient;
  answers: Doc[];
  publish(doc: Doc | Buffer | string, opts?: { retain?: boolean }): Promise<void>;
  /** Resolves once the agent is subscribed (its online status seen): a non-retained push may go out too. */
  ready(): Promise<void>;
  /** The first answer to `id` (with `status`, when given) among answers[from…]. */
  answer(id: string, status?: string, timeoutMs?: number, from?: number): Promise<Doc>;
  /** Publishes `doc` and waits for its final answer (anything but `accepted`). */
  send(doc: Doc, timeoutMs?: number): Promise<Doc>;
}

/** `persistent`: a session the broker keeps (with its persistence, across a broker restart too). */
export async function commander(
  t: Teardown,
  url: string,
  device = 'drone-07',
  persistent = false,
): Promise<Commander> {
  const client = await mqtt.connectAsync(url, {
    clientId: `cmd-${randomUUID()}`,
    clean: !persistent,
    reconnectPeriod: 200,
  });
  t.teardown(() => client.endAsync(true));
  const answers: Doc[] = [];
  const waiters = new Set<() => void>();
  // Commands are not retained: one published before the agent's first SUBSCRIBE is lost. The agent publishes
  // its status right after that SUBSCRIBE on the same connection, so a status that is not `offline` means the
  // subscription is in (and, the session being persistent, stays in across agent restarts).
  let subscribed = false;
  client.on('message', (topic, payload) => {
    if (topic.endsWith('/status')) {
      if (payload.length && (JSON.parse(payload.toString()) as Doc).state !== 'offline') subscribed = true;
    } else answers.push(JSON.parse(payload.toString()) as Doc);
    for (const w of waiters) w();
  });
  await client.subscribeAsync([`${prefix(device)}/command/result`, `${prefix(device)}/status`], { qos: 1 });
  const agentSubscribed = () =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!subscribed) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error('the agent never published an online status (not subscribed to commands?)'));
      }, 30_000);
      waiters.add(check);
      check();
    });
  // Event-driven: each arriving answer re-checks; only the overall timeout is a timer.
  const answer = (id: string, status?: string, timeoutMs = 30_000, from = 0) =>
    new Promise<Doc>((resolve, reject) => {
      const find = () =>
        answers.slice(from).find((a) => a.id === id && (status === undefined || a.status === status));
      const check = () => {
        const found = find();
        if (!found) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `no answer to ${id} (${status ?? 'any'}) within ${timeoutMs} ms: ${JSON.stringify(answers)}`,
          ),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const publish = async (doc: Doc | Buffer | string, opts: { retain?: boolean } = {}) => {
    const payload = Buffer.isBuffer(doc) || typeof doc === 'string' ? doc : JSON.stringify(doc);
    if (!opts.retain) await agentSubscribed();
    await client.publishAsync(`${prefix(device)}/command`, payload, { qos: 1, retain: opts.retain ?? false });
  };
  return {
    client,
    answers,
    publish,
    ready: agentSubscribed,
    answer,
    async send(doc, timeoutMs = 30_000) {
      const from = answers.length;
      await publish(doc);
      const id = String(doc.id ?? '');
      return new Promise<Doc>((resolve, reject) => {
        const check = () => {
          const found = answers.slice(from).find((a) => a.id === id && a.status !== 'accepted');
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no final answer to ${id} within ${timeoutMs} ms: ${JSON.stringify(answers)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
