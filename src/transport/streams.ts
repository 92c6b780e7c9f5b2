// The socket to the broker for the agent's own schemes, opened as MQTT.js's builders (mqtt/lib/connect/tcp.js
// and tls.js, 5.x) open it, without loading what those modules load for a SOCKS proxy (the `socks` package, its
// helpers, Node's dns and assert: ~0.6 MiB of an idle agent). With a proxy configured (socksProxy, or
// MQTTJS_SOCKS_PROXY in the environment), MQTT.js's own builder is used unchanged.
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { IClientOptions, MqttClient } from 'mqtt';

export type StreamBuilder = (client: MqttClient, opts: IClientOptions) => Duplex;

const require = createRequire(import.meta.url);

/** Plain TCP (tcp.js without its proxy branch). */
const tcp: StreamBuilder = (_client, opts) => {
  opts.port = opts.port || 1883;
  opts.hostname = opts.hostname || opts.host || 'localhost';
  return net.createConnection({ port: opts.port, host: opts.hostname });
};

/** TLS (tls.js without its proxy branch): SNI and the name check on the host, unverified peers refused. */
const secure: StreamBuilder = (client, opts) => {
  opts.port = opts.port || 8883;
  opts.host = opts.hostname || opts.host || 'localhost';
  if (net.isIP(opts.host) === 0 && !opts.servername) opts.servername = opts.host;
  opts.rejectUnauthorized = opts.rejectUnauthorized !== false;
  delete (opts as { path?: string }).path;
  // Node's tls module only for a TLS broker: an mqtt:// agent never loads it.
  const tls = require('node:tls') as typeof import('node:tls');
  const connection = tls.connect(opts as import('node:tls').ConnectionOptions);
  const failed = (err: Error) => {
    // As MQTT.js: the client hears of it only when verification was asked for; the socket ends either way.
    if (opts.rejectUnauthorized) client.emit('error', err);
    connection.end();
  };
  connection.on('secureConnect', () => {
    if (opts.rejectUnauthorized && !connection.authorized) {
      connection.emit('error', new Error('TLS not authorized'));
    } else {
      connection.removeListener('error', failed);
    }
  });
  connection.on('error', failed);
  return connection;
};

/** The builder for `module`; MQTT.js's own (SOCKS included) when a proxy is configured. */
export function streamBuilder(module: 'tcp' | 'tls', opts: IClientOptions): StreamBuilder {
  if (opts.socksProxy !== undefined) {
    return (require(`mqtt/lib/connect/${module}`) as { default: StreamBuilder }).default;
  }
  return module === 'tcp' ? tcp : secure;
}
