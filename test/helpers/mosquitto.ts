// A real Mosquitto 2 per test: its own port (chosen by the OS), its own temp dir, killed in t.teardown.
// Safe with test files running in parallel: nothing is shared but the mosquitto binary.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOSQUITTO = process.env.MOSQUITTO ?? '/usr/sbin/mosquitto';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

export interface Broker {
  port: number;
  url: string;
  dir: string;
  /** pid of the current mosquitto process (changes on restart). */
  pid: number;
  /** SIGTERM, and wait for exit (Mosquitto writes its persistence db on the way out). */
  stop(): Promise<void>;
  /** Start again on the same port (and with the same persistence db). */
  restart(): Promise<void>;
}

export interface MosquittoOptions {
  persistence?: boolean;
  /** Lines appended to the config, after the (only) listener: e.g. `cafile …`, `password_file …`. An
   *  `allow_anonymous` line among them replaces the default `allow_anonymous true`. */
  extraConfig?: string[];
  /** The listener speaks TLS (its cafile/certfile/keyfile come in extraConfig): `url` is mqtts://. */
  tls?: boolean;
  /** The whole config but for the test's own globals (nodelay, logging, user): listeners and all, for the
   *  OS-chosen `port` (the test binds its first listener there, as 127.0.0.1) and the broker's own `dir`.
   *  Replaces the default listener, `persistence` and `extraConfig`. */
  rawConfig?: (port: number, dir: string) => string[];
}

export async function startMosquitto(t: Teardown, opts: MosquittoOptions = {}): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'aimlock-mosq-'));
  let child: ChildProcess | null = null;
  let port = 0;

  const launch = async (): Promise<void> => {
    const conf = join(dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      opts.rawConfig
        ? `${[...globals(), ...opts.rawConfig(port, dir)].join('\n')}\n`
        : config(port, dir, opts.persistence ?? false, opts.extraConfig ?? []),
    );
    const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d) => {
      stderr += d;
    });
    child = proc;
    await waitForPort(port, proc, () => stderr);
  };

  // Another test may take the port between our probe and mosquitto's bind: pick another one and retry.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 5 || !/Address already in use|EADDRINUSE/i.test(String(err))) throw err;
    }
  }

  const stop = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = exited(proc);
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  };

  const broker: Broker = {
    port,
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    dir,
    pid: child!.pid!,
    stop,
    async restart() {
      await stop();
      // The port was ours a moment ago; on a busy machine it may be taken meanwhile — then the test fails
      // loudly rather than silently talking to someone else's broker.
      await launch();
      broker.pid = child!.pid!;
    },
  };
  t.teardown(async () => {
    const proc = child;
    child = null;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const gone = exited(proc);
      proc.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return broker;
}

/** Options every test broker gets, whatever its listeners. */
function globals(): string[] {
  // Mosquitto started as root drops to user `mosquitto`, who cannot write our temp dir.
  const user = process.getuid?.() === 0 ? ['user root'] : [];
  return ['set_tcp_nodelay true', 'log_dest stderr', 'log_type error', 'log_type warning', ...user];
}

function config(port: number, dir: string, persistence: boolean, extra: string[]): string {
  const lines = [
    `listener ${port} 127.0.0.1`,
    ...(extra.some((l) => /^\s*allow_anonymous\s/.test(l)) ? [] : ['allow_anonymous true']),
    ...globals(),
  ];
  if (persistence) lines.push('persistence true', `persistence_location ${dir}/`, 'autosave_interval 1');
  lines.push(...extra);
  return `${lines.join('\n')}\n`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const p = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(p));
    });
  });
}

function exited(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
}

/** Resolves once the port accepts a TCP connection; rejects (with mosquitto's stderr) if it exits first. */
async function waitForPort(port: number, proc: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10000;
  let dead = false;
  proc.once('exit', () => {
    dead = true;
  });
  while (Date.now() < deadline) {
    if (dead) throw new Error(`mosquitto exited (${proc.exitCode ?? proc.signalCode}): ${stderr()}`);
    // A connect could reach a foreign listener that won the port; mosquitto then exits at once with
    // "Address already in use", so look again a moment later before trusting the port.
    if (await canConnect(port)) {
      await new Promise((r) => setTimeout(r, 30));
      if (!dead && !/Error:/.test(stderr())) return;
      continue;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  proc.kill('SIGKILL');
  throw new Error(`mosquitto did not listen on ${port} within 10 s: ${stderr()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
