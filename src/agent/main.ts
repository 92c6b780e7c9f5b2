#!/usr/bin/env node
// aimlockd: the agent on every board. systemd runs it (systemd/aimlockd.service); it runs the same by hand.
import { parseArgs } from 'node:util';
import { CliError } from '../errors.js';
import { DEFAULT_SETTINGS_FILE, loadSettings } from '../settings/load.js';
import { termSafeLines } from '../term-safe.js';
import { Agent } from './agent.js';
import { agentLogger } from './logger.js';
import { AGENT_VERSION } from './messages.js';

const HELP = `aimlockd ${AGENT_VERSION} — the aimlock agent: accepts config pushes over MQTT, lock-aware

Usage: aimlockd [--settings FILE] [--check]

  --settings FILE  agent settings (default ${DEFAULT_SETTINGS_FILE}, or $AIMLOCK_SETTINGS)
  --check          exit 0 when the settings are valid and name this board (device, fleet, broker), else
                   say why and exit 1 (the unit's ExecCondition: an unconfigured board skips the start)
  --version        print the version
  -h, --help       this help

Signals: SIGTERM/SIGINT finish the landing in progress, release the lock, publish "offline" and exit 0;
SIGHUP reloads trusted keys and limits. Logs are JSON lines on stdout: pipe them through "aimlock logs".
Under journald (JOURNAL_STREAM names stdout) each line is "<priority>message {json}":
journalctl -p filters by level, and "journalctl -o cat | aimlock logs" still reads them.`;

function args() {
  try {
    return parseArgs({
      options: {
        settings: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        check: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    throw new CliError('usage', `${(err as Error).message}; see aimlockd --help`);
  }
}

/**
 * The package ships a placeholder agent.json whose empty device, fleet and broker break the schema, so a board
 * never runs under a made-up name. Exit 1 (not 2) because systemd's ExecCondition skips the start on 1–254 and
 * fails the unit only on 255.
 */
function checkSettings(file: string): number {
  try {
    const s = loadSettings(file);
    process.stdout.write(`${s.file}: device ${s.device}, fleet ${s.fleet}, broker ${s.broker.url}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
}

async function main(): Promise<number> {
  const values = args();
  if (values.help || values.version) {
    process.stdout.write(values.help ? `${HELP}\n` : `${AGENT_VERSION}\n`);
    return 0;
  }
  const file = values.settings ?? process.env.AIMLOCK_SETTINGS ?? DEFAULT_SETTINGS_FILE;
  if (values.check) return checkSettings(file);
  const settings = loadSettings(file);
  const log = agentLogger(settings.device, settings.log_level);
  const agent = new Agent(settings, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutdown requested');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 12_000);
    force.unref();
    agent.stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => agent.reload());
  await agent.start();
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err) => {
    const message = err instanceof CliError ? `${err.code}: ${err.message}` : (err as Error).stack;
    // The message may quote a settings file's content: escaped for the terminal it is run from (term-safe.ts).
    process.stderr.write(`aimlockd: ${termSafeLines(String(message))}\n`);
    process.exit(err instanceof CliError ? err.exitCode : 1);
  },
);
