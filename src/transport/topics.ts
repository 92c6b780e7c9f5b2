// Topic names of CONTRACT.md §5, built in one place: `{prefix}/{fleet}/{device}/…`.
// The prefix has no wildcards and no leading or trailing slash (the settings schema says so); fleet and
// device ids are checked here because a `+`, `#` or `/` in them would silently widen or split a topic.

export interface DeviceTopics {
  /** operator → device, retained: the desired state. */
  push: string;
  /** device → operator, not retained. */
  result: string;
  /** device → operator, not retained. */
  telemetry: string;
  /** device → operator, retained; the last will sets `"state":"offline"`. */
  status: string;
  /** operator → device, not retained: a signed command (CONTRACT §9). */
  command: string;
  /** device → operator, not retained: the command's answers. */
  commandResult: string;
}

export function topicsFor(prefix: string, fleet: string, device: string): DeviceTopics {
  checkLevel('fleet', fleet);
  checkLevel('device', device);
  const base = `${prefix}/${fleet}/${device}`;
  return {
    push: `${base}/config/push`,
    result: `${base}/config/result`,
    telemetry: `${base}/telemetry`,
    status: `${base}/status`,
    command: `${base}/command`,
    commandResult: `${base}/command/result`,
  };
}

/** Subscriptions for the operator side: every device's status and every result in one fleet. */
export function fleetWildcards(prefix: string, fleet: string): { status: string; result: string } {
  checkLevel('fleet', fleet);
  return { status: `${prefix}/${fleet}/+/status`, result: `${prefix}/${fleet}/+/config/result` };
}

/** Splits a device topic back into its device id and its kind; null for a topic outside `{prefix}/{fleet}`. */
export function parseDeviceTopic(
  prefix: string,
  fleet: string,
  topic: string,
): { device: string; kind: keyof DeviceTopics } | null {
  const head = `${prefix}/${fleet}/`;
  if (!topic.startsWith(head)) return null;
  const [device, ...rest] = topic.slice(head.length).split('/');
  const tail = rest.join('/');
  const kind = KINDS.get(tail);
  return device && kind ? { device, kind } : null;
}

const KINDS = new Map<string, keyof DeviceTopics>([
  ['config/push', 'push'],
  ['config/result', 'result'],
  ['telemetry', 'telemetry'],
  ['status', 'status'],
  ['command', 'command'],
  ['command/result', 'commandResult'],
]);

function checkLevel(what: string, value: string): void {
  // [MQTT-4.7.1-1] wildcards are not allowed in topic names; `/` would add a level; [MQTT-4.7.3-2] no NUL.
  if (value === '' || /[+#/]/.test(value) || value.includes('\0'))
    throw new RangeError(`${what} id ${JSON.stringify(value)} cannot be one MQTT topic level`);
}
