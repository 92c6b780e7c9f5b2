// Reconnect backoff for MQTT.js, which only knows one fixed `reconnectPeriod`.
//
// MQTT.js reads client.options.reconnectPeriod each time it arms its reconnect timer (on 'close', in
// _setupReconnect) and emits 'reconnect' just before each attempt. So: on every 'reconnect' the period for the
// NEXT wait doubles (500 ms, 1 s, 2 s … 30 s), and a successful 'connect' resets it. A fleet that lost its
// broker together must not come back in lockstep, so every wait is jittered by ±20 %.
import type { MqttClient } from 'mqtt';

export interface BackoffOptions {
  firstMs: number;
  maxMs: number;
  /** 0 … 1: each wait is spread uniformly over ±jitter of its nominal value. */
  jitter?: number;
  random?: () => number;
}

export function attachBackoff(client: MqttClient, opts: BackoffOptions): { nominalMs(): number } {
  const jitter = opts.jitter ?? 0.2;
  const random = opts.random ?? Math.random;
  let nominal = opts.firstMs;
  const set = (ms: number) => {
    nominal = ms;
    const spread = 1 + jitter * (2 * random() - 1);
    client.options.reconnectPeriod = Math.max(1, Math.round(ms * spread));
  };
  set(opts.firstMs);
  client.on('reconnect', () => set(Math.min(nominal * 2, opts.maxMs)));
  client.on('connect', () => set(opts.firstMs));
  return { nominalMs: () => nominal };
}
