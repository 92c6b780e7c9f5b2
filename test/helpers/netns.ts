// Two network namespaces joined by a veth pair (../shared/FAULTS.md): the broker's side `a` and the drone's
// side `b`, with addresses from a /30 that exists only inside them. Faults are made on that link: a blackhole
// (a's end down: b's packets vanish, nothing answers, TCP stays half-open) and packet loss (nftables drops
// a share of what enters either end). Everything made here is deleted in t.teardown, processes first.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunResult, run } from './board.js';
import { MOSQUITTO } from './mosquitto.js';
import { exited } from './procs.js';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

export const ADDR_A = '10.99.0.1';
export const ADDR_B = '10.99.0.2';
export const BROKER_PORT = 1883;
/** Where the operator's tools in namespace a reach the broker: a's loopback, up whatever the link does. */
const LOCAL = ['-h', '127.0.0.1', '-p', String(BROKER_PORT)];

export interface Link {
  /** Namespace names, for `ip netns exec`. */
  a: string;
  b: string;
  /** [file, args] that run `argv` inside namespace `ns`. */
  exec(ns: string, argv: string[]): [string, string[]];
  /** The broker's end of the link goes down / comes back: to b, the broker just stops answering. */
  blackhole(): void;
  restore(): void;
  /** Drops `percent`% of the packets entering each end (nftables, netdev ingress). */
  loss(percent: number): void;
}

let made = 0;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/**
 * Why this machine cannot make namespaces and fault them (not root, no `ip`, no `nft`, a sandbox that
 * forbids them), or null when it can. Tests skip on a reason — except in CI, where they must run.
 */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  for (const tool of ['ip', 'nft']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  const probe = `alprobe${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (added.status !== 0) return `ip netns add failed: ${added.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return null;
}

export function makeLink(t: Teardown): Link {
  const id = `al${process.pid}n${++made}`;
  const a = `${id}a`;
  const b = `${id}b`;
  const vethA = `${id}A`;
  const vethB = `${id}B`;
  ip('netns', 'add', a);
  t.teardown(() => void spawnSync('ip', ['netns', 'del', a]));
  ip('netns', 'add', b);
  t.teardown(() => void spawnSync('ip', ['netns', 'del', b]));
  ip('link', 'add', vethA, 'netns', a, 'type', 'veth', 'peer', 'name', vethB, 'netns', b);
  ip('-n', a, 'addr', 'add', `${ADDR_A}/30`, 'dev', vethA);
  ip('-n', b, 'addr', 'add', `${ADDR_B}/30`, 'dev', vethB);
  for (const [ns, dev] of [
    [a, vethA],
    [b, vethB],
  ] as const) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'set', dev, 'up');
  }
  return {
    a,
    b,
    exec: (ns, argv) => ['ip', ['netns', 'exec', ns, ...argv]],
    blackhole: () => void ip('-n', a, 'link', 'set', vethA, 'down'),
    restore: () => void ip('-n', a, 'link', 'set', vethA, 'up'),
    loss(percent) {
      for (const [ns, dev] of [
        [a, vethA],
        [b, vethB],
      ] as const) {
        const rules = `table netdev aimlock_loss {
  chain ingress {
    type filter hook ingress device "${dev}" priority 0; policy accept;
    numgen random mod 100 < ${percent} drop
  }
}
`;
        execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: rules, stdio: 'pipe' });
      }
    },
  };
}

export interface NsBroker {
  /** What the drone in namespace b connects to. */
  url: string;
  /** mosquitto_pub inside namespace a (payload on stdin). */
  publish(topic: string, payload: string, opts?: { retain?: boolean }): Promise<RunResult>;
}

/** Mosquitto inside namespace a, listening on the link and on a's loopback (where the operator's tools are). */
export async function startNsBroker(t: Teardown, link: Link): Promise<NsBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'aimlock-nsmosq-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${BROKER_PORT}`,
      'allow_anonymous true',
      'set_tcp_nodelay true',
      'log_dest stderr',
      'log_type error',
      // Started as root it would drop to user `mosquitto`, who cannot read our temp dir.
      'user root',
      '',
    ].join('\n'),
  );
  const child = spawn(...link.exec(link.a, [MOSQUITTO, '-c', conf]), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  t.teardown(async () => {
    await killed(child);
    rmSync(dir, { recursive: true, force: true });
  });
  const pub = (args: string[], input?: string) =>
    run(...link.exec(link.a, ['mosquitto_pub', ...LOCAL, ...args]), input === undefined ? {} : { input });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = await pub(['-t', 'probe', '-m', 'x']);
    if (probe.code === 0) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`mosquitto in ${link.a} did not come up: ${stderr || probe.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const publish = (topic: string, payload: string, opts: { retain?: boolean } = {}) =>
    pub(['-q', '1', '-t', topic, '-s', ...(opts.retain ? ['-r'] : [])], payload);
  return { url: `mqtt://${ADDR_A}:${BROKER_PORT}`, publish };
}

/** Everything on the drone's topics, as the broker's side sees it, in arrival order. */
export interface Recorder {
  messages: Array<{ topic: string; doc: Record<string, unknown> }>;
  /** Resolves with the first message (from index `from`) that `match` accepts. */
  waitFor(
    match: (m: { topic: string; doc: Record<string, unknown> }) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<{ topic: string; doc: Record<string, unknown> }>;
}

/** mosquitto_sub in namespace a on `topicFilter`, one `topic payload` line per message. */
export async function record(t: Teardown, link: Link, topicFilter: string): Promise<Recorder> {
  const child = spawn(...link.exec(link.a, ['mosquitto_sub', ...LOCAL, '-q', '1', '-v', '-t', topicFilter]), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => killed(child));
  const messages: Recorder['messages'] = [];
  let partial = '';
  child.stdout!.on('data', (d) => {
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const space = line.indexOf(' ');
      messages.push({ topic: line.slice(0, space), doc: JSON.parse(line.slice(space + 1)) });
    }
  });
  const waitFor: Recorder['waitFor'] = async (match, what, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find(match);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(messages.slice(-10))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { messages, waitFor };
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = exited(child);
  child.kill('SIGKILL');
  await gone;
}
