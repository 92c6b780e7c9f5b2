#!/bin/sh
# Installs the unpacked aimlock package on a board (shipped as /opt/aimlock/install.sh by `npm run pack:*`).
# Idempotent: run it again after unpacking a newer package. It never overwrites /etc/aimlock/agent.json and
# does not start the agent: edit the settings and install an operator key first (it says how).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$here" != /opt/aimlock ]; then
  echo "install.sh: unpack into /opt first (sudo tar xzf aimlock-*.tar.gz -C /opt); this is $here" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo /opt/aimlock/install.sh)" >&2
  exit 2
fi

cd "$here"
if ! err=$("$here/node/bin/node" -e 'require("fs-ext")' 2>&1); then
  echo "install.sh: the shipped Node cannot run here or cannot load fs-ext (is this package for $(uname -m)?):" >&2
  echo "$err" | tail -n 3 >&2
  exit 1
fi

id aimlock >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin aimlock
install -d -m 0750 -o root -g aimlock /etc/aimlock /etc/aimlock/keys
[ -e /etc/aimlock/agent.json ] || install -m 0640 -o root -g aimlock "$here/examples/agent.json" /etc/aimlock/agent.json
[ -e /etc/aimlock/limits.json ] || install -m 0640 -o root -g aimlock "$here/examples/limits.json" /etc/aimlock/limits.json
install -m 0644 "$here/systemd/aimlockd.service" /etc/systemd/system/aimlockd.service
# Who owns what (README): the state directory is the agent's user's, declared for tmpfiles and applied now.
install -m 0644 "$here/systemd/aimlock.tmpfiles" /etc/tmpfiles.d/aimlock.conf
# In a chroot or image build it may not apply; StateDirectory= in the unit makes the directory at start anyway.
if command -v systemd-tmpfiles >/dev/null 2>&1; then systemd-tmpfiles --create /etc/tmpfiles.d/aimlock.conf || true; fi
ln -sf "$here/bin/aimlock" /usr/local/bin/aimlock
ln -sf "$here/bin/aimlockd" /usr/local/bin/aimlockd
# sd_booted(3): only talk to systemd when it is the running init (not in a chroot or an image build).
if [ -d /run/systemd/system ]; then systemctl daemon-reload; else echo "install.sh: systemd is not running here; unit installed, not loaded"; fi

cat <<EOF
aimlock $("$here/bin/aimlock" --version) installed in $here.
Next:
  1. edit /etc/aimlock/agent.json (device, fleet, broker)
  2. copy the operators' public key(s) to /etc/aimlock/keys/
  3. systemctl enable --now aimlockd && aimlock status
EOF
