#!/usr/bin/env bash
# Makes sure the services the tests talk to are installed and running on this machine:
# PostgreSQL (127.0.0.1:5432, trust auth, database "test"), Redis (127.0.0.1:6379), a
# three-master Redis Cluster (127.0.0.1:7001-7003, .ci/redis-cluster.sh), MariaDB
# (127.0.0.1:3306, root without a password, database "test"), Debian's Chromium for the
# browser tests, ImageMagick for the QR conversion test, ZBar's zbarimg for the PNG and terminal
# QR tests, and protoc with python3-protobuf (Google's protobuf runtime) for the migration
# payload cross-checks. Idempotent; installs with apt-get only if missing.
set -euo pipefail

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PostgreSQL
if [ -z "${FACTORKIT_PG_URL:-}" ]; then
  if ! port_open 5432; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      apt_install postgresql
    fi
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do port_open 5432 && break; sleep 1; done
  fi
  port_open 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
  # Trust auth on 127.0.0.1 and a database named "test", as on the development machines.
  if ! psql -h 127.0.0.1 -U postgres -d test -c 'select 1' >/dev/null 2>&1; then
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n1)
    if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main reload || true
    fi
    su postgres -c "psql -c 'create database test'" >/dev/null 2>&1 || true
  fi
fi

# Redis
if [ -z "${FACTORKIT_REDIS_URL:-}" ]; then
  if ! port_open 6379; then
    command -v redis-server >/dev/null || apt_install redis-server
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 30); do port_open 6379 && break; sleep 1; done
  fi
  port_open 6379 || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
fi

# Redis Cluster: three masters on their own ports and directories (reused when already up).
command -v redis-server >/dev/null || apt_install redis-server
bash "$(dirname "$0")/redis-cluster.sh"

# MariaDB (the MySQL store's tests; MySQL 8 speaks the same protocol)
if [ -z "${FACTORKIT_MYSQL_URL:-}" ]; then
  if ! port_open 3306; then
    command -v mariadbd >/dev/null || apt_install mariadb-server
    if [ ! -d /var/lib/mysql/mysql ]; then
      mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    fi
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
    for _ in $(seq 1 60); do port_open 3306 && break; sleep 1; done
  fi
  port_open 3306 || { echo "MariaDB is not reachable on 127.0.0.1:3306" >&2; exit 1; }
  # root over TCP without a password and a database named "test", as on the development machines.
  if ! mariadb -h 127.0.0.1 -u root -e 'SELECT 1' test >/dev/null 2>&1; then
    mariadb -u root -e "CREATE DATABASE IF NOT EXISTS test;
      CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
      GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
      CREATE USER IF NOT EXISTS 'root'@'localhost';
      FLUSH PRIVILEGES;" || true
  fi
  mariadb -h 127.0.0.1 -u root -e 'SELECT 1' test >/dev/null 2>&1 || {
    echo "MariaDB on 127.0.0.1:3306 refuses root without a password or has no database test" >&2
    exit 1
  }
fi

# Chromium for the end-to-end and browser runtime tests (never downloaded by a test tool).
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

# ImageMagick for the QR test that converts the SVG to PNG with it. Asked for its version rather
# than found on PATH: a `convert` that is not ImageMagick's (a stub, GraphicsMagick) won't do.
case "$(convert -version 2>/dev/null || true)" in
  "Version: ImageMagick "*) ;;
  *) apt_install imagemagick ;;
esac

# zbarimg (ZBar) reads the PNG and terminal QR codes back in the tests.
command -v zbarimg >/dev/null || apt_install zbar-tools

# protoc and Google's Python protobuf runtime decode and encode migration payloads independently
# of factorkit. Debian's /usr/bin/python3 is the interpreter python3-protobuf installs into.
command -v protoc >/dev/null || apt_install protobuf-compiler
/usr/bin/python3 -c 'import google.protobuf' 2>/dev/null || apt_install python3-protobuf
