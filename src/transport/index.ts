export { attachBackoff, type BackoffOptions } from './backoff.js';
export {
  type AgentConnectOptions,
  BACKOFF_FIRST_MS,
  buildConnectOptions,
  type ConnectOptionsExtra,
  offlineStatus,
  redactOptions,
} from './connect-options.js';
export { OutboxFlusher } from './flusher.js';
export { installPushHandler, keepBusyAlive, type PushMeta } from './inbound.js';
export { type DeviceTopics, fleetWildcards, parseDeviceTopic, topicsFor } from './topics.js';
export {
  BACKOFF_MAX_MS,
  type SendKind,
  STOP_END_TIMEOUT_MS,
  STOP_STATUS_TIMEOUT_MS,
  Transport,
  type TransportEvents,
  type TransportOptions,
} from './transport.js';
