#!/usr/bin/env node
// The guest's one way out: QEMU's guestfwd runs this once per guest connection to 10.0.2.100:1883 (with
// restrict=on nothing else leaves the guest), with that connection as stdin/stdout, and it pipes it to the
// lane's Mosquitto on 127.0.0.1:PORT. A command per connection, not a chardev: a chardev forward is connected
// once when QEMU starts and serves a single connection, but the agent reconnects after every restart.
import { connect } from 'node:net';

const port = Number(process.argv[2]);
const sock = connect({ host: '127.0.0.1', port, noDelay: true });
process.stdin.pipe(sock);
sock.pipe(process.stdout);
// Either side closing ends the forward; QEMU sees the guest's connection closed.
sock.on('close', () => process.exit(0));
sock.on('error', () => process.exit(1));
process.stdin.on('end', () => sock.end());
