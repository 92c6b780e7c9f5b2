// CONTRACT §9's topics: `{prefix}/{fleet}/{device}/command` (operator → device, QoS 1, never retained) and
// `…/command/result` (device → operator). Built with the same level checks as the push topics.
import { topicsFor } from '../../transport/topics.js';

export function commandTopic(prefix: string, fleet: string, device: string): string {
  return `${topicsFor(prefix, fleet, device).push.slice(0, -'config/push'.length)}command`;
}

export function commandResultTopic(prefix: string, fleet: string, device: string): string {
  return `${commandTopic(prefix, fleet, device)}/result`;
}

/** Every command result of a fleet (operator side), or every command of a fleet (simulator side). */
export function fleetCommandFilters(prefix: string, fleet: string): { command: string; result: string } {
  const probe = commandTopic(prefix, fleet, 'x');
  const base = probe.slice(0, -'x/command'.length);
  return { command: `${base}+/command`, result: `${base}+/command/result` };
}

/** `{prefix}/{fleet}/{device}/command[/result]` → device and which; null for anything else. */
export function parseCommandTopic(
  prefix: string,
  fleet: string,
  topic: string,
): { device: string; kind: 'command' | 'result' } | null {
  const head = `${prefix}/${fleet}/`;
  if (!topic.startsWith(head)) return null;
  const parts = topic.slice(head.length).split('/');
  if (parts.length === 2 && parts[1] === 'command' && parts[0]) return { device: parts[0], kind: 'command' };
  if (parts.length === 3 && parts[1] === 'command' && parts[2] === 'result' && parts[0])
    return { device: parts[0], kind: 'result' };
  return null;
}
