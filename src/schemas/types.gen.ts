// GENERATED FILE, DO NOT EDIT: generated from schemas/*.schema.json by `npm run schemas:types`
// (scripts/schema-types.mjs, json-schema-to-typescript). Edit the schemas and run it again;
// test/schemas.test.ts fails while this file is out of date.

/**
 * The managed config of one board (aim_lock_config.conf): aim tuning, safety thresholds and when a change may land. Every key is required and no other key is allowed, so a push always states the whole config. The `default` values are the factory config, as documentation: validation never fills them in.
 */
export interface AimConfig {
  aim: AimTuning;
  safety: SafetyThresholds;
  /**
   * When this config may land, against the one word of the vehicle state file: `grounded` needs `grounded`; `hover` accepts `grounded` or `hover`; `any` always applies. A missing state file counts as `flying`.
   */
  update_window: 'any' | 'hover' | 'grounded';
}

/**
 * How the aim controller follows the operator's input.
 */
export interface AimTuning {
  /**
   * Gain from operator input to aim rate, as a fraction of full scale (0.05 = sluggish, 1.0 = full).
   */
  sensitivity: number;
  /**
   * Input deflection around centre that is ignored, in degrees.
   */
  deadzone_deg: number;
  /**
   * Exponential smoothing of the aim command: 0 = none, 0.95 = heavy (laggy).
   */
  smoothing: number;
  /**
   * Fastest the aim may move, in degrees per second.
   */
  max_slew_dps: number;
}

/**
 * Limits the flight controller enforces whatever the aim does.
 */
export interface SafetyThresholds {
  /**
   * Fastest the vehicle may yaw, in degrees per second.
   */
  max_yaw_rate_dps: number;
  /**
   * Largest pitch angle the vehicle may take, in degrees.
   */
  max_pitch_deg: number;
  /**
   * Battery charge, in whole percent, below which the failsafe action starts.
   */
  min_battery_pct: number;
  /**
   * Radius around home the vehicle may not leave, in metres.
   */
  geofence_radius_m: number;
  /**
   * Closest the vehicle may come to another vehicle or obstacle, in metres.
   */
  min_separation_m: number;
  /**
   * What the vehicle does when a safety threshold is crossed or the link is lost.
   */
  failsafe: 'hover' | 'return_home' | 'land';
}

/**
 * A desired config for one device, published retained on aimlock/v1/{fleet}/{device}/config/push (at most 64 KiB). The signature covers the RFC 8785 canonical JSON of the envelope without its `signature` member. No other key is allowed.
 */
export interface PushEnvelope {
  /**
   * Names this message type and its version.
   */
  kind: 'aimlock.push/v1';
  /**
   * Unique id of this push (a UUID is usual); a push whose id was already applied is answered `duplicate`.
   */
  id: string;
  /**
   * Device id this push is meant for; any other device answers `wrong_device`.
   */
  device: string;
  /**
   * Monotonic version of the device's config; a push not greater than the applied version is answered `stale_version`.
   */
  version: number;
  /**
   * When the operator issued the push (RFC 3339, with offset).
   */
  issued_at: string;
  /**
   * Optional: after this instant (RFC 3339) the push is answered `expired` and never applied.
   */
  expires_at?: string;
  /**
   * Optional id of the rollout this push belongs to; echoed back in the result.
   */
  rollout?: string;
  config: AimConfig;
  signature?: PushSignature;
}

/**
 * Operator signature over the canonical envelope without this member. Required unless the device's settings say `require_signature: false`.
 */
export interface PushSignature {
  /**
   * Signature algorithm; only ed25519.
   */
  alg: 'ed25519';
  /**
   * Name of the trusted public key, the file {keys_dir}/{key_id}.pub on the board.
   */
  key_id: string;
  /**
   * The 64-byte ed25519 signature, standard base64 with padding.
   */
  value: string;
}

/**
 * The device's answer to one push, published on aimlock/v1/{fleet}/{device}/config/result (not retained). A deferred push is answered again once it lands or is rejected.
 */
export interface Result {
  /**
   * Names this message type and its version.
   */
  kind: 'aimlock.result/v1';
  /**
   * The answering device.
   */
  device: string;
  /**
   * Id of the push answered; the empty string when it could not be read (invalid JSON, no or malformed id).
   */
  id: string;
  /**
   * Version of the push answered; null when it could not be read.
   */
  version: number | null;
  /**
   * The push's rollout id, echoed back when it had one.
   */
  rollout?: string;
  /**
   * Outcome class: `applied`, `rejected` (never applied), `duplicate`, `superseded` (a newer push won) or `deferred` (kept, will be answered again).
   */
  status: 'applied' | 'rejected' | 'duplicate' | 'superseded' | 'deferred';
  /**
   * Stable machine-readable reason (CONTRACT section 5); codes are never reused once retired.
   */
  code:
    | 'ok'
    | 'duplicate'
    | 'superseded'
    | 'deferred_update_window'
    | 'invalid_json'
    | 'too_large'
    | 'schema_invalid'
    | 'wrong_device'
    | 'expired'
    | 'stale_version'
    | 'signature_missing'
    | 'signature_invalid'
    | 'unknown_key'
    | 'limits_exceeded'
    | 'hold'
    | 'lock_hot'
    | 'lock_mismatch'
    | 'apply_failed'
    | 'rolled_back'
    | 'apply_incomplete'
    | 'limits_unreadable'
    | 'keys_unreadable'
    | 'capability_missing';
  /**
   * One human sentence explaining the code.
   */
  detail: string;
  /**
   * For rejections: what is wrong where, each with a JSON pointer into the push.
   *
   * @maxItems 100
   */
  errors?: ResultError[];
  lock?: LockEvidence;
  /**
   * Hex SHA-256 of the rendered live config file after the apply.
   */
  config_sha256?: string;
  /**
   * When the device answered (RFC 3339).
   */
  ts: string;
}

/**
 * One problem in the push.
 */
export interface ResultError {
  /**
   * JSON pointer into the push envelope; empty for the whole document.
   */
  path: string;
  /**
   * Short human message naming the bound.
   */
  message: string;
}

/**
 * The lock verdict and generation seen while handling the push, plus any evidence (owner, kernel holders).
 */
export interface LockEvidence {
  /**
   * Verdict of CONTRACT section 3; anything but FREE and HELD is a lock mismatch.
   */
  verdict: 'FREE' | 'HELD' | 'HUNG' | 'STALE' | 'DETACHED' | 'UNOWNED' | 'CLEARED';
  /**
   * Fencing token of the acquisition that wrote the config; null when the lock was not taken.
   */
  generation?: number | null;
  [k: string]: unknown | undefined;
}

/**
 * One event from a device, published on aimlock/v1/{fleet}/{device}/telemetry (not retained; kept in the outbox while the broker is unreachable and sent in order on reconnect). Events carry their evidence as extra members; a `lock_mismatch` event must carry file, state, verdict, lock_bit, owner and kernel_holders.
 */
export interface Telemetry {
  /**
   * Names this message type and its version.
   */
  kind: 'aimlock.telemetry/v1';
  /**
   * What happened.
   */
  event: 'lock_mismatch' | 'lock_reclaimed' | 'lock_force_released' | 'hold' | 'resume' | 'apply_hook_failed';
  /**
   * The reporting device.
   */
  device: string;
  /**
   * When the event happened on the device (RFC 3339).
   */
  ts: string;
  [k: string]: unknown | undefined;
}

/**
 * The config live on the board, or null when none was ever applied.
 */
export type AppliedConfig = {
  /**
   * Id of the push (or local apply) that produced the live config.
   */
  id: string;
  /**
   * Applied config version.
   */
  version: number;
  /**
   * Hex SHA-256 of the rendered live config file.
   */
  sha256: string;
} | null;

/**
 * The last lock verdict seen, or null when unknown (e.g. in the last will).
 */
export type StatusLock = {
  /**
   * Verdict of CONTRACT section 3.
   */
  verdict: 'FREE' | 'HELD' | 'HUNG' | 'STALE' | 'DETACHED' | 'UNOWNED' | 'CLEARED';
  [k: string]: unknown | undefined;
} | null;

/**
 * The push the board keeps as its desired state but has not landed yet (answered deferred, or rejected with lock_mismatch), or null when nothing waits. An operator's next version goes above it.
 */
export type DesiredPushWaiting = {
  /**
   * Id of the waiting push.
   */
  id: string;
  /**
   * Version of the waiting push.
   */
  version: number;
  /**
   * The code of its last answer: hold, lock_hot, deferred_update_window or lock_mismatch.
   */
  code: string;
} | null;

/**
 * The last result the agent published that applied, rejected or deferred a push (results are not retained; this is), or null before the first one.
 */
export type LastAnswer = {
  /**
   * Id of the push answered.
   */
  id: string;
  /**
   * Version of the push answered, or null when it could not be read.
   */
  version: number | null;
  /**
   * applied, rejected or deferred.
   */
  status: 'applied' | 'rejected' | 'deferred';
  /**
   * Result code of CONTRACT section 5.
   */
  code: string;
  /**
   * When the result was published (RFC 3339).
   */
  ts: string;
} | null;

/**
 * The device's retained status on aimlock/v1/{fleet}/{device}/status; the agent's MQTT last will publishes it with state `offline`.
 */
export interface Status {
  /**
   * Names this message type and its version.
   */
  kind: 'aimlock.status/v1';
  /**
   * The reporting device.
   */
  device: string;
  /**
   * `online` applying pushes, `hold` not applying (technician hold), `offline` agent gone (last will).
   */
  state: 'online' | 'hold' | 'offline';
  applied: AppliedConfig;
  lock: StatusLock;
  /**
   * Version of the aimlock package running the agent.
   */
  agent_version: string;
  desired?: DesiredPushWaiting;
  last_result?: LastAnswer;
  /**
   * When this status was produced (RFC 3339).
   */
  ts: string;
}

/**
 * Settings of the aimlockd agent and the aimlock command on one board (default file /etc/aimlock/agent.json, chosen with --settings FILE). Every key but `device` and `fleet` has a default; relative paths resolve against the settings file's own directory. Unknown keys are errors, so a typo never silently falls back to a default.
 */
export interface AgentSettings {
  /**
   * This board's id: the MQTT client id and the {device} of every topic.
   */
  device: string;
  /**
   * The fleet this board belongs to: the {fleet} of every topic.
   */
  fleet: string;
  broker?: BrokerSettings;
  paths?: PathSettings;
  lock?: LockSettings;
  /**
   * Refuse unsigned pushes (`signature_missing`); switch off only on a bench.
   */
  require_signature?: boolean;
  apply_hook?: ApplyHookSettings;
  /**
   * How many applied configs are kept in {state_dir}/history for rollback.
   */
  history_size?: number;
  /**
   * Prefix of every MQTT topic, followed by /{fleet}/{device}/…; no wildcards, no leading or trailing slash.
   */
  topic_prefix?: string;
  /**
   * Lowest level written to the agent's JSON log (pino levels).
   */
  log_level?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

/**
 * The MQTT broker (3.1.1 or 5) the agent connects to with a persistent session.
 */
export interface BrokerSettings {
  /**
   * mqtt:// or mqtts:// URL of the broker, with port.
   */
  url?: string;
  /**
   * MQTT username, or null for none.
   */
  username?: string | null;
  /**
   * File holding the MQTT password (trailing newline ignored), or null for none; the password never sits in this file.
   */
  password_file?: string | null;
  /**
   * PEM CA bundle to verify an mqtts:// broker, or null for the system's CAs.
   */
  ca_file?: string | null;
  /**
   * PEM client certificate for mutual TLS, or null for none.
   */
  cert_file?: string | null;
  /**
   * PEM private key of the client certificate, or null for none.
   */
  key_file?: string | null;
  /**
   * MQTT keepalive interval in seconds; 0 disables it.
   */
  keepalive_s?: number;
}

/**
 * Where the agent's files live; relative paths resolve against the settings file's directory.
 */
export interface PathSettings {
  /**
   * The managed config; its kernel locks are taken on `{config}.lock`.
   */
  config?: string;
  /**
   * Holds state.json, history/, audit.jsonl, outbox/ and locks/.
   */
  state_dir?: string;
  /**
   * Local hard limits no push may exceed (limits.schema.json); a missing file means no narrowing.
   */
  limits?: string;
  /**
   * Trusted operator public keys, one `{key_id}.pub` (SPKI PEM) per key.
   */
  keys_dir?: string;
  /**
   * Unix socket of the running agent (JSON lines).
   */
  socket?: string;
  /**
   * One word, `grounded`, `hover` or `flying`; a missing file counts as `flying`.
   */
  vehicle_state?: string;
}

/**
 * Timing of the config lock and what to do with ghost (STALE) locks.
 */
export interface LockSettings {
  /**
   * How long a push waits for a consistent HELD lock to free before it is answered deferred / lock_hot, in milliseconds.
   */
  wait_ms?: number;
  /**
   * How often a holder refreshes `heartbeat_at` in the owner record, in milliseconds. At least 10 (each beat rewrites the owner record); `heartbeat_ttl_ms` must be at least twice it.
   */
  heartbeat_ms?: number;
  /**
   * A live holder whose heartbeat is older than this is HUNG, in milliseconds. At least twice `heartbeat_ms` (checked when the settings are loaded): one late beat must not make a working holder HUNG.
   */
  heartbeat_ttl_ms?: number;
  /**
   * How often the agent looks for a STALE lock to reclaim (with auto_reclaim `always`), in milliseconds. At least 100: each look reads /proc and the lock files.
   */
  gc_interval_ms?: number;
  /**
   * When a STALE lock is reclaimed without a technician: `always` at start, on a push and by the collector; `boot` only at agent start; `never`.
   */
  auto_reclaim?: 'always' | 'boot' | 'never';
}

/**
 * Command run after a new config is durable, still under the lock, with AIMLOCK_GENERATION and friends in its environment; a failure rolls the config back.
 */
export interface ApplyHookSettings {
  /**
   * argv of the hook, run without a shell; empty means no hook.
   *
   * @maxItems 64
   */
  command?: string[];
  /**
   * The hook is killed and counted as failed after this long, in milliseconds.
   */
  timeout_ms?: number;
}

/**
 * Hard limits of one board (/etc/aimlock/limits.json, written by a technician only): they narrow the bounds of aim-config.schema.json, and a push outside them is rejected with `limits_exceeded`. Every key is optional; an unknown key is an error, so a typo never silently drops a limit.
 */
export interface Limits {
  aim?: AimLimits;
  safety?: SafetyLimits;
  update_window?: AllowedUpdateWindows;
}

/**
 * Per-key limits for `aim`.
 */
export interface AimLimits {
  sensitivity?: Range;
  deadzone_deg?: Range;
  smoothing?: Range;
  max_slew_dps?: Range;
}

/**
 * Inclusive bounds; either may be left out to keep the schema's bound.
 */
export interface Range {
  /**
   * Smallest value a push may use (inclusive).
   */
  min?: number;
  /**
   * Largest value a push may use (inclusive).
   */
  max?: number;
}

/**
 * Per-key limits for `safety`.
 */
export interface SafetyLimits {
  max_yaw_rate_dps?: Range;
  max_pitch_deg?: Range;
  min_battery_pct?: Range;
  geofence_radius_m?: Range;
  min_separation_m?: Range;
  failsafe?: AllowedFailsafeValues;
}

/**
 * Values of `failsafe` a push may use on this board.
 */
export interface AllowedFailsafeValues {
  /**
   * Subset of hover, return_home, land.
   *
   * @minItems 1
   */
  allowed: ['hover' | 'return_home' | 'land', ...('hover' | 'return_home' | 'land')[]];
}

/**
 * Values of `update_window` a push may use on this board.
 */
export interface AllowedUpdateWindows {
  /**
   * Subset of any, hover, grounded.
   *
   * @minItems 1
   */
  allowed: ['any' | 'hover' | 'grounded', ...('any' | 'hover' | 'grounded')[]];
}

/**
 * An operator's command to one device, published QoS 1, not retained, on aimlock/v1/{fleet}/{device}/command (at most 16 KiB). Checked in the push's order: size, JSON, schema, device, expiry, signature (and the key's capability for the action), id. The signature covers the RFC 8785 canonical JSON of the envelope without its `signature` member; unlike a push it is always required. expires_at must be after issued_at and at most 10 minutes after it.
 */
export type CommandEnvelope = {
  /**
   * Names this message type and its version.
   */
  kind: 'aimlock.command/v1';
  /**
   * Unique id of this command (a UUID is usual); an id already executed is answered `duplicate` and not executed again.
   */
  id: string;
  /**
   * Device id this command is meant for; any other device answers `wrong_device`.
   */
  device: string;
  /**
   * When the operator issued the command (RFC 3339, with offset).
   */
  issued_at: string;
  /**
   * Required: after this instant (RFC 3339) the command is answered `expired` and never executed; at most 10 minutes after issued_at.
   */
  expires_at: string;
  /**
   * What the device is asked to do; the signing key must have this capability ({keys_dir}/{key_id}.caps).
   */
  action: 'hold' | 'resume' | 'locks' | 'reclaim' | 'release_force' | 'status';
  args: Arguments;
  signature: CommandSignature;
};

/**
 * The action's arguments: `hold` takes `reason` and `for` (seconds); `release_force` takes `reason` and `hold_for` (seconds); the others take none (`{}`).
 */
export interface Arguments {
  /**
   * Why (audited on the device and kept in the operator's record).
   */
  reason?: string;
  /**
   * `hold`: seconds until the hold expires by itself.
   */
  for?: number;
  /**
   * `release_force`: seconds the agent stays on hold after the bypass.
   */
  hold_for?: number;
}

/**
 * Operator signature over the canonical envelope without this member; always required for commands.
 */
export interface CommandSignature {
  /**
   * Signature algorithm; only ed25519.
   */
  alg: 'ed25519';
  /**
   * Name of the trusted public key, the file {keys_dir}/{key_id}.pub on the board.
   */
  key_id: string;
  /**
   * The 64-byte ed25519 signature, standard base64 with padding.
   */
  value: string;
}

/**
 * The device's answer to one command, published on aimlock/v1/{fleet}/{device}/command/result (not retained). `accepted` is an interim answer (the command is valid and under way, e.g. a hold waiting for a landing in progress to finish); a final answer (`done`, `refused` or `duplicate`) always follows it.
 */
export interface CommandResult {
  /**
   * Names this message type and its version.
   */
  kind: 'aimlock.command-result/v1';
  /**
   * The answering device.
   */
  device: string;
  /**
   * Id of the command answered; the empty string when it could not be read (invalid JSON, no or malformed id).
   */
  id: string;
  /**
   * The command's action; null when it could not be read.
   */
  action: 'hold' | 'resume' | 'locks' | 'reclaim' | 'release_force' | 'status' | null;
  /**
   * `accepted` (interim, a final answer follows), `done`, `refused` (nothing done) or `duplicate` (this id was already executed; nothing done).
   */
  status: 'accepted' | 'done' | 'refused' | 'duplicate';
  /**
   * Stable machine-readable reason from the registry (CONTRACT sections 5 and 9); codes are never reused once retired.
   */
  code: string;
  /**
   * One human sentence: what happened and, when refused, what to do next.
   */
  detail: string;
  /**
   * The key that signed the command, when it could be read.
   */
  key_id?: string;
  data?: CommandData;
  /**
   * When the device answered (RFC 3339).
   */
  ts: string;
}

/**
 * The action's answer: `locks` the same evidence `aimlock locks --json` prints, `status` the device's status, `reclaim`/`release_force` the lock verdict and evidence, `hold` the hold in place.
 */
export interface CommandData {
  [k: string]: unknown | undefined;
}
