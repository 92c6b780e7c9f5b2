// The remote forms' options (CONTRACT §9), shared by hold, resume, locks, reclaim and release: which fleet and
// devices, the signing key, how long to wait, and where the operator's record goes. A command is remote when it
// names devices (--device, --devices or --all); without them it is the board's own local form, unchanged.

import { MAX_COMMAND_TTL_MS } from '../../command/envelope.js';
import { CliError } from '../../errors.js';
import { CommandClient } from '../../fleet/command/client.js';
import { CommandRecord, defaultRecordFile } from '../../fleet/command/record.js';
import { BrokerUnreachable } from '../../fleet/operator-connect.js';
import type { Context, Options } from '../command.js';
import { durationOption, type OperatorTarget, operatorTarget, signingKey } from '../commands/push.js';

export const REMOTE_OPTIONS: Options = {
  fleet: { type: 'string' },
  broker: { type: 'string' },
  key: { type: 'string' },
  'key-id': { type: 'string' },
  timeout: { type: 'string' },
  record: { type: 'string' },
};

export const FANOUT_OPTIONS: Options = {
  ...REMOTE_OPTIONS,
  devices: { type: 'string' },
  all: { type: 'boolean' },
};

export const SINGLE_OPTIONS: Options = { ...REMOTE_OPTIONS, device: { type: 'string' } };

const DEVICE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** True when the command line names a remote target; the local form refuses remote-only options. */
export function isRemote(ctx: Context): boolean {
  return ctx.values.devices !== undefined || ctx.values.all === true || ctx.values.device !== undefined;
}

/** A remote-only option given to the local form is a mistake worth saying, not something to ignore. */
export function refuseRemoteOnly(ctx: Context, form: string): void {
  const given = ['fleet', 'broker', 'key', 'key-id', 'timeout', 'record'].filter(
    (o) => ctx.values[o] !== undefined,
  );
  if (given.length > 0) {
    throw new CliError(
      'usage',
      `--${given[0]} is for the remote form: ${form}; on the board itself leave it out`,
    );
  }
}

export interface Remote {
  target: OperatorTarget;
  key: ReturnType<typeof signingKey>;
  timeoutMs: number;
  ttlMs: number;
  record: CommandRecord;
  /** Who the record says sent it (the operator's login). */
  by: string;
}

/**
 * Everything a remote command needs before it connects. The command's expiry covers the wait plus a minute
 * for a slow link, within CONTRACT §9's 10 minutes: a device that gets it later refuses it (`expired`).
 */
export function remote(ctx: Context, defaultTimeout: string): Remote {
  const target = operatorTarget(ctx);
  const key = signingKey(ctx);
  const timeoutMs = durationOption(ctx, 'timeout', defaultTimeout);
  if (timeoutMs > MAX_COMMAND_TTL_MS) {
    throw new CliError('usage', `--timeout is at most 10m: a command expires 10 minutes after it is issued`);
  }
  return {
    target,
    key,
    timeoutMs,
    ttlMs: Math.min(MAX_COMMAND_TTL_MS, timeoutMs + 60_000),
    record: new CommandRecord(ctx.string('record') ?? defaultRecordFile()),
    by: process.env.SUDO_USER ?? process.env.USER ?? process.env.LOGNAME ?? `uid ${process.getuid?.()}`,
  };
}

/** The explicit --devices list (checked), or null for --all. */
export function deviceList(ctx: Context): string[] | null {
  const all = ctx.values.all === true;
  const text = ctx.string('devices');
  if (all && text !== undefined) throw new CliError('usage', 'give --devices a,b or --all, not both');
  if (all) return null;
  const devices = (text ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  if (devices.length === 0) throw new CliError('usage', '--devices needs at least one device id (a,b,c)');
  const bad = devices.find((d) => !DEVICE_ID.test(d));
  if (bad !== undefined) throw new CliError('usage', `--devices: ${JSON.stringify(bad)} is not a device id`);
  return [...new Set(devices)];
}

export function singleDevice(ctx: Context): string {
  const d = ctx.need('device', 'the device to ask');
  if (!DEVICE_ID.test(d)) throw new CliError('usage', `--device ${JSON.stringify(d)} is not a device id`);
  return d;
}

export async function connectCommands(target: OperatorTarget): Promise<CommandClient> {
  try {
    return await CommandClient.connect(target.url, target.connect);
  } catch (err) {
    if (err instanceof BrokerUnreachable)
      throw new CliError('broker_unreachable', `${err.message}; check --broker and that the broker runs`);
    throw err;
  }
}
