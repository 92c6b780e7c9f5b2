// `aimlock push`: one signed push to one device, published retained (the desired state), then the wait for its
// final answer, following `deferred` answers. Also the operator plumbing that `fleet` and `rollout` share:
// where the broker and fleet come from, and the signing key.
import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseDuration } from '../../board/hold.js';
import { CliError, EXIT } from '../../errors.js';
import {
  DEFAULT_BROKER_URL,
  DEFAULT_TOPIC_PREFIX,
  nextVersion,
  OperatorClient,
  type Result,
  signedPush,
} from '../../fleet/operator.js';
import {
  BrokerUnreachable,
  brokerAuthFromSettings,
  type OperatorConnectOptions,
} from '../../fleet/operator-connect.js';
import { validate } from '../../schemas/index.js';
import { DEFAULT_SETTINGS_FILE, type LoadedSettings } from '../../settings/load.js';
import { isValidKeyId, KEY_ID_PATTERN, KeyError, loadPrivateKey } from '../../sign/index.js';
import { jsonSafe, termSafeLines } from '../../term-safe.js';
import type { Command, Context, Options } from '../command.js';
import { formatErrors, readConfigToPublish } from '../read-input.js';

/** CONTRACT §5: the agent answers too_large above this. */
const MAX_PUSH_BYTES = 64 * 1024;

/** --fleet and --broker, shared by the operator commands. */
export const OPERATOR_OPTIONS: Options = {
  fleet: { type: 'string' },
  broker: { type: 'string' },
};

export interface OperatorTarget {
  url: string;
  fleet: string;
  connect: OperatorConnectOptions;
}

/**
 * Broker and fleet for an operator command: --broker / --fleet, else the settings file when one is named
 * (--settings or $AIMLOCK_SETTINGS: its fleet, broker url, credentials, TLS and topic prefix), else the
 * default broker; a fleet is required.
 */
export function operatorTarget(ctx: Context): OperatorTarget {
  const named = ctx.string('settings') ?? process.env.AIMLOCK_SETTINGS;
  let settings: LoadedSettings | null = null;
  // A named settings file is read; on a machine that is itself a board, so is the default one, unless
  // --fleet says everything needed.
  const boardHere = ctx.string('fleet') === undefined && existsSync(DEFAULT_SETTINGS_FILE);
  if ((named !== undefined && named !== '') || boardHere) settings = ctx.settings();
  const fleet = ctx.string('fleet') ?? settings?.fleet;
  if (fleet === undefined || fleet.trim() === '')
    throw new CliError('usage', '--fleet is required (or --settings FILE of a board of that fleet)');
  if (!/^[A-Za-z0-9._:-]+$/.test(fleet))
    throw new CliError('usage', `--fleet ${JSON.stringify(fleet)} cannot be one MQTT topic level`);
  const url = ctx.string('broker') ?? settings?.broker.url ?? DEFAULT_BROKER_URL;
  let auth = {};
  if (settings) {
    try {
      auth = brokerAuthFromSettings(settings.broker);
    } catch (err) {
      throw new CliError(
        'settings_invalid',
        `cannot read the broker credentials named in ${settings.file}: ${(err as Error).message}`,
      );
    }
  }
  return {
    url,
    fleet,
    connect: { fleet, prefix: settings?.topic_prefix ?? DEFAULT_TOPIC_PREFIX, ...auth },
  };
}

/** Connects, turning an unreachable broker into the CLI's broker_unreachable error. */
export async function connectOperator(target: OperatorTarget): Promise<OperatorClient> {
  try {
    return await OperatorClient.connect(target.url, target.connect);
  } catch (err) {
    if (err instanceof BrokerUnreachable)
      throw new CliError('broker_unreachable', `${err.message}; check --broker and that the broker runs`);
    throw err;
  }
}

/**
 * The signing key, loaded as an ed25519 private key: --key (its id from --key-id, default the file's name
 * without extension), or else `remembered` (a resumed rollout's key file and id, read again on this machine).
 */
export function signingKey(
  ctx: Context,
  remembered?: { keyFile?: string; keyId: string },
): { key: ReturnType<typeof loadPrivateKey>; keyId: string } {
  const given = ctx.string('key');
  const keyPath =
    given ?? remembered?.keyFile ?? ctx.need('key', 'the ed25519 private key (PEM) to sign the push with');
  const keyId =
    ctx.string('key-id') ??
    (given === undefined && remembered ? remembered.keyId : basename(keyPath, extname(keyPath)));
  if (!isValidKeyId(keyId)) {
    throw new CliError(
      'usage',
      `key id "${keyId}" does not match ${KEY_ID_PATTERN.source}; give --key-id (the .pub file name on the boards)`,
    );
  }
  try {
    return { key: loadPrivateKey(keyPath), keyId };
  } catch (err) {
    if (err instanceof KeyError)
      throw new CliError(err.reason === 'not_found' ? 'not_found' : 'key_invalid', err.message);
    throw err;
  }
}

export function durationOption(ctx: Context, name: string, fallback: string): number {
  const text = ctx.string(name) ?? fallback;
  const ms = parseDuration(text);
  if (ms === null) throw new CliError('usage', `--${name} ${text}: expected a duration like 30s, 2m, 500ms`);
  return ms;
}

/** One line about a result: `rejected/unknown_key — detail` plus its error pointers. */
export function describeResult(r: Result): string {
  const errors = r.errors?.length ? `\n${formatErrors(r.errors)}` : '';
  return `${r.status}/${r.code} — ${r.detail}${errors}`;
}

export const push: Command = {
  name: 'push',
  summary: 'sign and publish one config push to one device, and wait for its answer',
  usage:
    'aimlock push FILE --device ID [--fleet F] [--broker URL] --key KEY [--key-id ID] [--version N] [--timeout 60s] [--json]',
  options: {
    ...OPERATOR_OPTIONS,
    device: { type: 'string' },
    key: { type: 'string' },
    'key-id': { type: 'string' },
    version: { type: 'string' },
    timeout: { type: 'string' },
  },
  positionals: [1, 1],
  help: `
FILE is a bare config ({"aim": …, "safety": …, "update_window": …}) or a push envelope whose config is used.
The config is checked against the schema first (this board's limits are the device's business: it answers
limits_exceeded); nothing is published when it is invalid.
The push gets a fresh id, issued_at now, and --version N, or else one above both the device's applied
version (its retained status) and its current desired push (the retained push), 1 for a device never seen.
It is signed with KEY (ed25519 PEM; --key-id defaults to its file name without extension, and must name the
.pub file on the boards), published retained on aimlock/v1/{fleet}/{device}/config/push (QoS 1) — the
device's desired state, delivered when it comes back if it is offline — and then the command waits for the
final answer. "deferred" answers (hold, lock_hot, deferred_update_window) are shown on stderr and the wait
goes on until --timeout (default 60s).
--fleet and --broker default to those of --settings FILE when given (also its credentials and TLS files);
otherwise --fleet is required and the broker is mqtt://127.0.0.1:1883.
--json prints the final result as one object (on a timeout: {"status": "timeout", …, "last": …}).

Exit: 0 applied (also duplicate: that push id had already landed); 1 rejected or superseded (or an invalid
config, an unusable key); 2 usage; 5 no final answer before --timeout (the push stays the desired state).
Example: aimlock push aim-v2.json --device drone-07 --fleet alpha --broker mqtts://broker:8883 --key ops-2026.key`,
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const device = ctx.need('device', 'the device to push to');
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(device))
      throw new CliError('usage', `--device ${JSON.stringify(device)} is not a device id ([A-Za-z0-9._:-])`);
    const timeoutMs = durationOption(ctx, 'timeout', '60s');
    const versionText = ctx.string('version');
    let forcedVersion: number | null = null;
    if (versionText !== undefined) {
      forcedVersion = Number(versionText);
      if (!/^\d+$/.test(versionText) || !Number.isSafeInteger(forcedVersion) || forcedVersion < 1)
        throw new CliError('usage', `--version ${versionText}: expected a whole number ≥ 1`);
    }
    const target = operatorTarget(ctx);

    // The config, checked before anything leaves this machine.
    const config = await readConfigToPublish(ctx, file);
    const { key, keyId } = signingKey(ctx);

    const op = await connectOperator(target);
    try {
      let version: number;
      if (forcedVersion !== null) {
        version = forcedVersion;
      } else {
        const [statuses, desired] = await Promise.all([op.statuses({ device }), op.desired({ device })]);
        const status = statuses.get(device);
        const next = nextVersion(status, desired.get(device));
        version = next.version;
        const why =
          status === undefined && next.desired === null
            ? `no retained status or push from ${device} on ${target.url}: version 1`
            : `version ${version}: one above ${[
                next.applied !== null ? `applied ${next.applied}` : 'nothing applied',
                next.desired !== null ? `desired ${next.desired}` : null,
              ]
                .filter(Boolean)
                .join(' and ')} (retained ${[status ? 'status' : null, next.desired !== null ? 'push' : null]
                .filter(Boolean)
                .join(' and ')})`;
        ctx.note(why);
        if (status?.state === 'offline')
          ctx.note(`note: ${device} is offline (since ${status.ts}); the push lands when it reconnects`);
      }

      const envelope = signedPush({ device, version, config: config }, key, keyId);
      const checked = validate('push', envelope);
      if (!checked.ok)
        throw new CliError('usage', `cannot build a valid push envelope:\n${formatErrors(checked.errors)}`);
      const bytes = Buffer.byteLength(JSON.stringify(envelope));
      if (bytes > MAX_PUSH_BYTES)
        throw new CliError('invalid', `the push is ${bytes} bytes; the agent refuses over ${MAX_PUSH_BYTES}`);

      await op.publishPush(envelope, { retain: true });
      ctx.note(`pushed ${envelope.id} version ${version} to ${device} (fleet ${target.fleet}); waiting…`);
      const outcome = await op.waitFinal(device, envelope.id, {
        timeoutMs,
        version,
        onUpdate: (r) => ctx.note(`deferred: ${r.code} — ${r.detail}`),
      });

      const base = { id: envelope.id, device, version };
      if (outcome.timedOut) {
        if (ctx.json)
          ctx.io.stdout.write(`${jsonSafe({ status: 'timeout', ...base, last: outcome.last })}\n`);
        const last = outcome.last ? ` (last answer: ${outcome.last.status}/${outcome.last.code})` : '';
        throw new CliError(
          'timeout',
          `no final answer from ${device} within ${timeoutMs / 1000}s for push ${envelope.id} version ${version}${last}; ` +
            `the push stays retained on the broker as ${device}'s desired state and lands when the device takes it; ` +
            `check with: aimlock fleet --fleet ${target.fleet} --broker ${target.url}`,
          { ...base, last: outcome.last },
        );
      }
      const r = outcome.result;
      if (ctx.json) ctx.io.stdout.write(`${jsonSafe(r)}\n`);
      if (r.status === 'applied') {
        if (!ctx.json) {
          // The verdict the device found when it took the lock (not the lock now), and the generation it landed as.
          const lock = r.lock
            ? `, lock found ${r.lock.verdict}, landed as generation ${String(r.lock.generation ?? '-')}`
            : '';
          const sha = r.config_sha256 ? `, sha256 ${r.config_sha256.slice(0, 12)}…` : '';
          ctx.io.stdout.write(
            termSafeLines(`applied: ${device} version ${version} (push ${r.id}${lock}${sha})\n`),
          );
          // After the device's sentence "version N is live (generation G)" comes what went wrong once the
          // landing had committed (a missing audit line, a lock it could not give back): said, not lost.
          const said = /^version \d+ is live \(generation \d+\); (?:but )?(.+)$/s.exec(
            String(r.detail ?? ''),
          );
          if (said) ctx.note(`warning: ${device}: ${said[1]}`);
        }
        return EXIT.ok;
      }
      if (r.status === 'duplicate') {
        if (!ctx.json)
          ctx.io.stdout.write(termSafeLines(`duplicate: ${device} had already applied push ${r.id}\n`));
        ctx.note('note: nothing was applied again; the config of that push is live');
        return EXIT.ok;
      }
      const next =
        r.code === 'lock_mismatch'
          ? `\nthe push stays desired and lands once a technician resolves the lock (aimlock locks on ${device})`
          : '';
      throw new CliError(
        'rejected',
        `${device} answered push ${r.id} version ${version}: ${describeResult(r)}${next}`,
        { result: r },
      );
    } finally {
      await op.close();
    }
  },
};
