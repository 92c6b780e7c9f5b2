// A throwaway PKI made with openssl in a temp dir: a CA, a server certificate for 127.0.0.1/localhost and
// client certificates whose CN is the MQTT identity (Mosquitto's use_identity_as_username). EC P-256, 2 days.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

export interface Pki {
  dir: string;
  /** Absolute path of a file in the PKI dir (`ca.pem`, `NAME.pem`, `NAME.key`). */
  path(name: string): string;
  /** Issues NAME.key + NAME.pem with subject CN=cn, signed by this CA. */
  issue(name: string, cn: string, profile: 'server' | 'client'): void;
  /** `cafile`/`certfile`/`keyfile` lines for a Mosquitto TLS listener. */
  serverTls: string[];
}

const PROFILES = [
  '[req]',
  'distinguished_name = dn',
  'prompt = no',
  '[dn]',
  'CN = placeholder',
  '[ca]',
  'basicConstraints = critical,CA:TRUE',
  'keyUsage = critical,keyCertSign,cRLSign',
  'subjectKeyIdentifier = hash',
  '[server]',
  'basicConstraints = critical,CA:FALSE',
  'keyUsage = critical,digitalSignature',
  'extendedKeyUsage = serverAuth',
  'subjectAltName = IP:127.0.0.1,DNS:localhost',
  '[client]',
  'basicConstraints = critical,CA:FALSE',
  'keyUsage = critical,digitalSignature',
  'extendedKeyUsage = clientAuth',
  '',
].join('\n');

export function makePki(t: Teardown, caName = 'aimlock-test-ca'): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'aimlock-pki-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const newKey = (name: string) =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  writeFileSync(path('req.cnf'), PROFILES);
  newKey('ca');
  openssl(
    ...['req', '-x509', '-new', '-key', 'ca.key', '-subj', `/CN=${caName}`, '-days', '2'],
    ...['-config', 'req.cnf', '-extensions', 'ca', '-out', 'ca.pem'],
  );
  let serial = 1;
  const issue = (name: string, cn: string, profile: 'server' | 'client') => {
    newKey(name);
    openssl(
      ...['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-config', 'req.cnf'],
      '-out',
      `${name}.csr`,
    );
    openssl(
      ...['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key'],
      ...['-set_serial', String(++serial), '-days', '2', '-extfile', 'req.cnf', '-extensions', profile],
      ...['-out', `${name}.pem`],
    );
  };
  issue('server', 'localhost', 'server');
  return {
    dir,
    path,
    issue,
    serverTls: [
      `cafile ${path('ca.pem')}`,
      `certfile ${path('server.pem')}`,
      `keyfile ${path('server.key')}`,
    ],
  };
}
