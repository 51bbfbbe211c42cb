#!/usr/bin/env bash
# Starts the local services the test suite talks to, installing the ones a
# fresh machine lacks (etcd and OpenLDAP come from Debian's packages). Every
# step is best-effort: a test that needs a missing service skips with a clear
# message, and under CI=true that skip fails the run.
set -u

log() { printf '[services] %s\n' "$*"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&-; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

# PostgreSQL, MariaDB, Redis, RabbitMQ: present on the machine image; start them if they stopped.
if ! port_open 5432 && command -v pg_ctlcluster >/dev/null; then
  log "starting PostgreSQL"; pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! port_open 3306 && [ -x /usr/sbin/mariadbd ]; then
  log "starting MariaDB"; start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
if ! port_open 6379 && command -v redis-server >/dev/null; then
  log "starting Redis"; redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /tmp || true
fi
if ! port_open 5672 && command -v rabbitmq-server >/dev/null; then
  log "starting RabbitMQ"; rabbitmq-server -detached || true
fi

# RabbitMQ's management API (15672): the rabbitmq secrets engine manages users through it.
if command -v rabbitmq-plugins >/dev/null && ! port_open 15672; then
  log "enabling rabbitmq_management"; rabbitmq-plugins enable rabbitmq_management >/dev/null 2>&1 || log "rabbitmq_management could not be enabled"
  # The listener opens before the management database has settled; wait for an answer.
  for _ in $(seq 1 30); do
    curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview >/dev/null 2>&1 && break
    sleep 1
  done
fi

# etcd: from Debian's etcd-server package.
if ! command -v etcd >/dev/null; then
  log "installing etcd-server"; apt_install etcd-server etcd-client || log "etcd could not be installed"
fi
if command -v etcd >/dev/null && ! port_open 2379; then
  log "starting etcd on 127.0.0.1:2379"
  mkdir -p /tmp/coffer-etcd
  nohup etcd --data-dir /tmp/coffer-etcd --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 >/tmp/coffer-etcd.log 2>&1 &
fi

# OpenLDAP: from Debian's slapd package.
if ! command -v slapd >/dev/null; then
  log "installing slapd"
  echo "slapd slapd/no_configuration boolean true" | debconf-set-selections 2>/dev/null || true
  apt_install slapd ldap-utils || log "slapd could not be installed"
fi

# OpenSSH server and client: the SSH engine's tests start their own sshd on a loopback port.
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh-keygen >/dev/null; then
  log "installing openssh-server"; apt_install openssh-server openssh-client || log "openssh-server could not be installed"
fi

# oathtool: the TOTP engine's codes are checked against it.
if ! command -v oathtool >/dev/null; then
  log "installing oathtool"; apt_install oathtool || log "oathtool could not be installed"
fi

# Chromium: from Debian's chromium package, for the web UI's browser tests (test/ui).
if [ ! -x /usr/bin/chromium ]; then
  log "installing chromium"; apt_install chromium chromium-driver || log "chromium could not be installed"
fi

# GnuPG: the PGP key-share tests decrypt with Debian's gpg (throwaway GNUPGHOME per test).
if ! command -v gpg >/dev/null; then
  log "installing gnupg"; apt_install gnupg || log "gnupg could not be installed"
fi

# openssl: the PKI tests check certificates, CRLs and OCSP answers with it.
if ! command -v openssl >/dev/null; then
  log "installing openssl"; apt_install openssl || log "openssl could not be installed"
fi

# hvac (Debian's python3-hvac, for /usr/bin/python3): the compatibility tests log in with it as Python users do.
if ! /usr/bin/python3 -c 'import hvac' >/dev/null 2>&1; then
  log "installing python3-hvac"; apt_install python3-hvac || log "python3-hvac could not be installed"
fi

# docker-registry: an OCI registry the declarative-plugin tests pull plugin images from
# (each test starts its own on a loopback port; the package's own service is not used).
if [ ! -x /usr/bin/docker-registry ]; then
  log "installing docker-registry"; apt_install docker-registry || log "docker-registry could not be installed"
fi
exit 0
