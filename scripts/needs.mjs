#!/usr/bin/env node
// What the tests need from Debian, in one list, installed when missing (npm's `pretest`, .ci/run, the deb
// lane): `node scripts/needs.mjs [test] [deb]`. As root it says what it installs and installs it with apt;
// otherwise it prints the one apt-get line to run and exits 1. Nothing is printed when nothing is missing.
import { spawnSync } from 'node:child_process';

/** group → [command, Debian package, what it is for]. */
const NEEDS = {
  test: [
    ['mosquitto', 'mosquitto', 'the broker the agent tests run against'],
    ['mosquitto_pub', 'mosquitto-clients', 'publishing and watching topics from tests'],
    ['flock', 'util-linux', 'foreign flock(1) lock holders'],
    ['lslocks', 'util-linux', 'the kernel-lock view the verdicts are compared with'],
    ['python3', 'python3', 'foreign fcntl/lockf lock holders'],
    ['systemd-analyze', 'systemd', 'checking the unit (verify, security)'],
    ['ip', 'iproute2', 'network namespaces for the link-fault tests'],
    ['nft', 'nftables', 'packet loss and blackholes between the namespaces'],
    ['strace', 'strace', 'EIO injected into fsync, fsync counts (the kernel here has no device-mapper)'],
    ['openssl', 'openssl', 'a test CA and device certificates for the TLS and ACL tests'],
  ],
  deb: [
    ['dpkg-deb', 'dpkg', 'building the packages'],
    ['lintian', 'lintian', 'checking the packages'],
    ['readelf', 'binutils', 'reading what the shipped Node links against'],
    ['x86_64-linux-gnu-g++', 'g++', "building fs-ext for the amd64 package's Node"],
    ['mmdebstrap', 'mmdebstrap', 'a throwaway Debian root to install the package in'],
  ],
  vm: [
    ['qemu-system-aarch64', 'qemu-system-arm', 'the emulated arm64 board'],
    ['qemu-img', 'qemu-utils', 'disk images for the board'],
    [
      'qemu-aarch64-static',
      'qemu-user-static',
      "running the arm64 packages' maintainer scripts in the image build",
    ],
    ['mmdebstrap', 'mmdebstrap', "the board's Debian 12 arm64 image"],
    ['arch-test', 'arch-test', 'mmdebstrap refuses a foreign architecture without it'],
    ['mkfs.ext4', 'e2fsprogs', "the board's root file system image"],
    ['mosquitto', 'mosquitto', 'the broker the board reaches through its one forward'],
    ['python3', 'python3', 'the speed reference on the host'],
  ],
};

// A user's PATH on Debian often lacks the sbin directories where mosquitto and nft live (the tests call them
// by full path), so look there too.
const PATH = `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin`;
const has = (cmd) => {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore', env: { ...process.env, PATH } });
  return r.status === 0;
};

const groups = process.argv.slice(2).length ? process.argv.slice(2) : ['test'];
const unknown = groups.filter((g) => !NEEDS[g]);
if (unknown.length) {
  console.error(`needs: unknown group ${unknown.join(', ')} (known: ${Object.keys(NEEDS).join(', ')})`);
  process.exit(2);
}
const missing = groups.flatMap((g) => NEEDS[g]).filter(([cmd]) => !has(cmd));
const packages = [...new Set(missing.map(([, pkg]) => pkg))];
if (packages.length === 0) process.exit(0);

for (const [cmd, pkg, why] of missing) console.log(`needs: ${cmd} (${pkg}) for ${why}`);
const line = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
if (process.getuid?.() !== 0) {
  console.error(
    `needs: missing Debian packages; install them as root:\n  sudo apt-get update && sudo ${line}`,
  );
  process.exit(1);
}
console.log(`needs: installing ${packages.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) =>
  spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
if (!run(['update', '-qq']) || !run(['install', '-y', '-qq', '--no-install-recommends', ...packages])) {
  console.error(`needs: apt-get failed; run it by hand:\n  apt-get update && ${line}`);
  process.exit(1);
}
// Debian's mosquitto package starts a broker on port 1883; the tests start their own on free ports, and a
// machine that had no Mosquitto before should not end up serving MQTT because of them.
if (packages.includes('mosquitto'))
  spawnSync('systemctl', ['disable', '--now', 'mosquitto'], { stdio: 'ignore' });
const still = missing.filter(([cmd]) => !has(cmd)).map(([cmd]) => cmd);
if (still.length) {
  console.error(`needs: still missing after installing: ${still.join(', ')}`);
  process.exit(1);
}
console.log(`needs: installed ${packages.join(' ')}`);
