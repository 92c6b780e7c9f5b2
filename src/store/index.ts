// The store: everything aimlock keeps on disk, each piece written so a crash leaves it whole (see each file's
// INVARIANTS). Knows nothing of MQTT or of the lock's meaning.
export {
  type AtomicWriteOptions,
  atomicWrite,
  atomicWriteSync,
  fsyncDir,
  fsyncDirSync,
  sweepTempFiles,
  tempPathFor,
} from './atomic.js';
export { AUDIT_MODE, type AuditEntry, appendAudit, auditLine, readAudit } from './audit.js';
export {
  type AimConfig,
  CONF_FILE_NAME,
  type ConfMeta,
  ConfParseError,
  configSha256,
  FIELDS,
  parseConf,
  renderConf,
} from './conf.js';
export { DEFAULT_HISTORY_SIZE, History, type HistoryEntry, historyFileName } from './history.js';
export { CorruptFileError, readJsonFile, writeJsonFile } from './json-file.js';
export { Outbox, type OutboxItem, type OutboxMessage, outboxFileName } from './outbox.js';
export {
  type AgentState,
  type AppliedRecord,
  type ApplySource,
  emptyState,
  readState,
  rememberSeen,
  SEEN_LIMIT,
  writeState,
} from './state.js';
