// The MQTT.js client for a broker URL, built with only the stream builder that URL needs. mqtt.connect() loads
// every transport it knows on its first call (WebSocket: the `ws` package with Node's http, https and zlib;
// TLS; TCP with SOCKS): on the agent that was ~2 MiB of its idle memory and tens of milliseconds of its start
// (README "Performance"). For the agent's own schemes this builds the client as mqtt.connect() does, with a TCP
// or TLS socket opened as MQTT.js's builders open it (streams.ts; a SOCKS proxy from MQTTJS_SOCKS_PROXY goes
// through MQTT.js's own); anything else (ws, wss, a URL with credentials or a query, unix sockets) goes through
// mqtt.connect() unchanged.
import { createRequire } from 'node:module';
import type { IClientOptions, MqttClient } from 'mqtt';
import { streamBuilder } from './streams.js';

/** URL scheme → the socket it needs (MQTT.js's builder module `mqtt/lib/connect/*`) and its protocol name. */
const NARROW: Readonly<Record<string, { module: 'tcp' | 'tls'; protocol: IClientOptions['protocol'] }>> = {
  'mqtt:': { module: 'tcp', protocol: 'mqtt' },
  'tcp:': { module: 'tcp', protocol: 'tcp' },
  'mqtts:': { module: 'tls', protocol: 'mqtts' },
  'ssl:': { module: 'tls', protocol: 'ssl' },
};

const require = createRequire(import.meta.url);
// require(), not import: Node 20's ESM loader scans MQTT.js's CommonJS entry and the modules it re-exports
// for named exports (alone: import 'mqtt' 115–127 ms here, require 48 ms; the agent's module graph loads
// ~20 ms sooner).
const mqtt = require('mqtt') as typeof import('mqtt');

function narrowable(url: string): URL | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const plain =
    u.username === '' && u.password === '' && u.search === '' && (u.pathname === '' || u.pathname === '/');
  return NARROW[u.protocol] !== undefined && plain && u.hostname !== '' ? u : undefined;
}

/** mqtt.connect(url, options), without loading the transports `url` does not use. */
export function connectMqtt(url: string, options: IClientOptions): MqttClient {
  const u = narrowable(url);
  // A client certificate turns mqtt: into mqtts: inside mqtt.connect(); left to it.
  if (u === undefined || (options.cert && options.key && NARROW[u.protocol]!.module === 'tcp')) {
    return mqtt.connect(url, options);
  }
  const { module, protocol } = NARROW[u.protocol]!;
  // What mqtt.connect() derives from the URL and the environment (connect/index.js), for these schemes.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const opts: IClientOptions = {
    ...(u.port !== '' ? { port: Number(u.port) } : {}),
    host,
    ...options,
    protocol,
    defaultProtocol: protocol,
  };
  if (opts.socksProxy === undefined && process.env.MQTTJS_SOCKS_PROXY !== undefined) {
    opts.socksProxy = process.env.MQTTJS_SOCKS_PROXY;
  }
  const build = streamBuilder(module, opts);
  const client = new mqtt.MqttClient((c) => build(c, opts), opts);
  // As mqtt.connect(): an 'error' without a listener must not throw; the transport logs them.
  client.on('error', () => {});
  return client;
}
