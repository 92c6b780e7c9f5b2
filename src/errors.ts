// Every stable code aimlock emits, in one registry. Result codes are CONTRACT.md §5; CLI codes prefix the
// one-line errors of §7 (`aimlock: CODE: sentence`). A code is never reused once retired: retire it by
// moving it to RETIRED. test/errors.test.ts ties this file to the README's tables.

export type ResultStatus = 'applied' | 'rejected' | 'duplicate' | 'superseded' | 'deferred';

export const RESULT_CODES = {
  ok: { status: 'applied', meaning: 'the config is on disk (fsync) and live' },
  duplicate: { status: 'duplicate', meaning: 'this push id was already applied; nothing done' },
  superseded: { status: 'superseded', meaning: 'a newer push arrived before this one could land' },
  deferred_update_window: {
    status: 'deferred',
    meaning: 'the vehicle state does not allow the update yet; kept as desired',
  },
  invalid_json: { status: 'rejected', meaning: 'the payload is not JSON' },
  too_large: { status: 'rejected', meaning: 'the payload exceeds 64 KiB' },
  schema_invalid: { status: 'rejected', meaning: 'the envelope or config does not match its schema' },
  wrong_device: { status: 'rejected', meaning: 'the envelope names another device' },
  expired: { status: 'rejected', meaning: 'expires_at is in the past' },
  stale_version: { status: 'rejected', meaning: 'version is not greater than the applied version' },
  signature_missing: { status: 'rejected', meaning: 'unsigned push while require_signature is on' },
  signature_invalid: { status: 'rejected', meaning: 'the signature does not verify' },
  unknown_key: { status: 'rejected', meaning: 'key_id names no trusted key in keys_dir' },
  limits_exceeded: { status: 'rejected', meaning: "a value is outside this board's limits.json" },
  hold: { status: 'deferred', meaning: 'a technician put the agent on hold; kept as desired' },
  lock_hot: {
    status: 'deferred',
    meaning: 'a consistent holder kept the lock past lock.wait_ms; kept as desired',
  },
  lock_mismatch: {
    status: 'rejected',
    meaning: 'lock bit, owner and kernel locks disagree; a technician must look',
  },
  apply_failed: { status: 'rejected', meaning: 'writing the config failed; the old config is still live' },
  rolled_back: {
    status: 'rejected',
    meaning: 'the apply hook or the record of the apply failed; the previous config was restored',
  },
  apply_incomplete: {
    status: 'rejected',
    meaning:
      'the new config is live but the apply could not complete (its record is not durable) nor be undone; the detail says what is live',
  },
  // Added after CONTRACT §5's list (new codes may join, none is reused): a safety input of the board itself
  // cannot be read, so no push can be proven safe. Fail closed until a technician fixes it and sends SIGHUP.
  limits_unreadable: {
    status: 'rejected',
    meaning: "this board's limits.json is missing, unreadable or invalid; nothing lands until it is fixed",
  },
  keys_unreadable: {
    status: 'rejected',
    meaning: 'keys_dir is missing or unreadable, so no signature can be checked; nothing signed lands',
  },
  // CONTRACT §9: a key's {keys_dir}/ID.caps file omits `push` (or is unusable: fail closed).
  capability_missing: {
    status: 'rejected',
    meaning: 'the signing key may not push (its .caps file omits push, or is unreadable or invalid)',
  },
} as const satisfies Record<string, { status: ResultStatus; meaning: string }>;

export type ResultCode = keyof typeof RESULT_CODES;

export type CommandStatus = 'accepted' | 'done' | 'refused' | 'duplicate';

/**
 * Codes of command results (CONTRACT §9, schemas/command-result.schema.json). A word that is also a push or CLI
 * code means the same thing here (the screening codes are the push's, not_stale and kernel_lock_held the CLI's);
 * a new word never takes a meaning another table already gave it.
 */
export const COMMAND_CODES = {
  ok: { status: 'done', meaning: 'the command was carried out; data holds its answer' },
  landing_in_progress: {
    status: 'accepted',
    meaning: 'interim: a hold waits for the landing in progress to finish; done follows',
  },
  duplicate: { status: 'duplicate', meaning: 'this command id was already executed; nothing done' },
  too_large: { status: 'refused', meaning: 'the command exceeds 16 KiB' },
  invalid_json: { status: 'refused', meaning: 'the command is not JSON' },
  schema_invalid: {
    status: 'refused',
    meaning: 'the command breaks its schema, or expires_at is not after issued_at within 10 minutes',
  },
  wrong_device: { status: 'refused', meaning: 'the command names another device' },
  expired: { status: 'refused', meaning: 'expires_at is in the past' },
  signature_missing: { status: 'refused', meaning: 'the command carries no signature' },
  signature_invalid: { status: 'refused', meaning: 'the signature does not verify' },
  unknown_key: { status: 'refused', meaning: 'key_id names no trusted key in keys_dir' },
  keys_unreadable: {
    status: 'refused',
    meaning: 'keys_dir is missing or unreadable, so no signature can be checked',
  },
  capability_missing: {
    status: 'refused',
    meaning: "the signing key's .caps file does not grant this action (or is unreadable or invalid)",
  },
  not_stale: {
    status: 'refused',
    meaning: 'reclaim refused: the lock is not a provable ghost (verdict in data)',
  },
  kernel_lock_held: {
    status: 'refused',
    meaning: 'release_force refused: a live process holds a kernel lock; the hold stays',
  },
  state_unwritable: {
    status: 'refused',
    meaning: 'the device cannot record the command id durably (disk full or read-only); nothing done',
  },
  command_failed: {
    status: 'refused',
    meaning: 'carrying out the command failed on the device; the detail says what to do',
  },
} as const satisfies Record<string, { status: CommandStatus; meaning: string }>;

export type CommandCode = keyof typeof COMMAND_CODES;

/** Exit statuses of CONTRACT.md §7. */
export const EXIT = {
  ok: 0,
  invalid: 1,
  usage: 2,
  lock: 3,
  agentDown: 4,
  timeout: 5,
  aborted: 6,
} as const;

export const CLI_ERRORS = {
  usage: { exit: EXIT.usage, meaning: 'the command line is wrong; see the command with --help' },
  reason_required: {
    exit: EXIT.usage,
    meaning: 'this command changes a lock or hold and must say why (--reason)',
  },
  settings_invalid: {
    exit: EXIT.usage,
    meaning: 'the settings file is missing, not JSON, or breaks its schema',
  },
  invalid: { exit: EXIT.invalid, meaning: 'the config or envelope is invalid (errors carry JSON pointers)' },
  not_found: { exit: EXIT.invalid, meaning: 'the file or history entry asked for does not exist' },
  exists: { exit: EXIT.invalid, meaning: 'refused to overwrite a file that already exists (a key)' },
  key_invalid: {
    exit: EXIT.invalid,
    meaning: 'the key file is not an unencrypted ed25519 PEM key of the kind needed',
  },
  apply_failed: {
    exit: EXIT.invalid,
    meaning: 'the apply failed or was rolled back; the message says which config is live',
  },
  lock_hot: { exit: EXIT.lock, meaning: 'another holder kept the lock past the wait' },
  lock_mismatch: { exit: EXIT.lock, meaning: 'the lock is in an inconsistent state; run aimlock locks' },
  not_stale: { exit: EXIT.lock, meaning: 'reclaim refused: the lock is not a provable ghost' },
  kernel_lock_held: { exit: EXIT.lock, meaning: 'a live process still holds a kernel lock on the config' },
  agent_not_running: { exit: EXIT.agentDown, meaning: 'no agent answers on the control socket' },
  rejected: { exit: EXIT.invalid, meaning: 'the device rejected the push' },
  refused: {
    exit: EXIT.invalid,
    meaning: 'a device refused an operator command (the message names each device and its code)',
  },
  timeout: { exit: EXIT.timeout, meaning: 'no final answer before --timeout' },
  broker_unreachable: {
    exit: EXIT.timeout,
    meaning: 'no connection to the MQTT broker within the connect timeout',
  },
  aborted: { exit: EXIT.aborted, meaning: 'the rollout stopped at a failed wave' },
  rollout_record: {
    exit: EXIT.aborted,
    meaning:
      'the rollout stopped: its record could not be saved, so no further push was sent (--resume continues)',
  },
  limits_unreadable: {
    exit: EXIT.usage,
    meaning: "this board's limits.json is missing, unreadable or invalid; fix it (no narrowing is {})",
  },
  // As limits_unreadable: the board's own setup is broken, not the command line or an input (`keys list`).
  keys_unreadable: {
    exit: EXIT.usage,
    meaning: "this board's keys_dir is missing or unreadable; restore it, then systemctl reload aimlockd",
  },
  already_running: {
    exit: EXIT.lock,
    meaning: "another aimlockd already runs on this board's state directory",
  },
  unsafe_path: {
    exit: EXIT.invalid,
    meaning: 'refused a link (or hard link) planted in the state directory; nothing was written there',
  },
  internal: { exit: EXIT.invalid, meaning: 'an unexpected error; the message says where' },
} as const satisfies Record<string, { exit: number; meaning: string }>;

export type CliErrorCode = keyof typeof CLI_ERRORS;

/** An error the CLI prints as `aimlock: CODE: message` and exits with the code's status. */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get exitCode(): number {
    return CLI_ERRORS[this.code].exit;
  }
}
