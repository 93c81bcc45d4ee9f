#!/usr/bin/env bash
# Makes this machine ready for the tests: installs (apt-get, as root, only what is missing) and
# starts what they need, then exits 0; or prints ONE message naming everything it could not
# provide and exits 1. `npm test` runs it first with no argument (everything); each vitest
# project's globalSetup (test/support/setup.ts) runs it with what that tier needs, so
# `npx vitest run --project integration` on its own gets its tools too. Idempotent and quick
# when all is there. Services listen on 127.0.0.1 only.
#
#   bash scripts/test-setup.sh [NEED...]
#
#   postgres       PostgreSQL, 127.0.0.1:5432, trust auth, database "test" (or FACTORKIT_PG_URL)
#   redis          Redis, 127.0.0.1:6379 (or FACTORKIT_REDIS_URL)
#   redis-cluster  three Redis masters, 127.0.0.1:7001-7003 (scripts/redis-cluster.sh)
#   mariadb        MariaDB, 127.0.0.1:3306, root without a password, database "test"
#                  (or FACTORKIT_MYSQL_URL; MySQL 8 speaks the same protocol)
#   chromium       Debian's /usr/bin/chromium (never a downloaded browser)
#   imagemagick    ImageMagick's convert (the SVG-to-PNG cross-check)
#   zbar           ZBar's zbarimg (reads PNG and terminal QR codes back)
#   protobuf       protoc and python3-protobuf (Google's protobuf runtime, the migration cross-check)
set -euo pipefail
cd "$(dirname "$0")/.."

ALL=(postgres redis redis-cluster mariadb chromium imagemagick zbar protobuf)
needs=("$@")
[ ${#needs[@]} -gt 0 ] || needs=("${ALL[@]}")
for need in "${needs[@]}"; do
  case " ${ALL[*]} " in *" $need "*) ;; *) echo "test-setup: unknown need '$need' (one of: ${ALL[*]})" >&2; exit 2 ;; esac
done
wants() { case " ${needs[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
is_root() { [ "$(id -u)" = 0 ]; }
is_imagemagick() { case "$(convert -version 2>/dev/null || true)" in "Version: ImageMagick "*) return 0 ;; *) return 1 ;; esac; }
# Debian's /usr/bin/python3 is the interpreter python3-protobuf installs into.
has_python_protobuf() { /usr/bin/python3 -c 'import google.protobuf' 2>/dev/null; }

# 1. What is missing, as "what it is" and the Debian package that brings it.
missing=()
packages=()
lack() { missing+=("$1"); packages+=("$2"); }

postgres_local() { wants postgres && [ -z "${FACTORKIT_PG_URL:-}" ]; }
redis_local() { wants redis && [ -z "${FACTORKIT_REDIS_URL:-}" ]; }
mariadb_local() { wants mariadb && [ -z "${FACTORKIT_MYSQL_URL:-}" ]; }

if postgres_local && ! port_open 5432 && ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  lack 'PostgreSQL' postgresql
fi
if { { redis_local && ! port_open 6379; } || wants redis-cluster; } && ! command -v redis-server >/dev/null; then
  lack 'Redis (redis-server, redis-cli)' redis-server
fi
if mariadb_local && ! port_open 3306 && ! command -v mariadbd >/dev/null; then
  lack 'MariaDB' mariadb-server
fi
if wants chromium && [ ! -x /usr/bin/chromium ]; then lack 'Chromium (/usr/bin/chromium)' chromium; fi
# Asked for its version rather than found on PATH: a `convert` that is not ImageMagick's (a
# stand-in, GraphicsMagick) won't do.
if wants imagemagick && ! is_imagemagick; then lack "ImageMagick's convert" imagemagick; fi
if wants zbar && ! command -v zbarimg >/dev/null; then lack "ZBar's zbarimg" zbar-tools; fi
if wants protobuf && ! command -v protoc >/dev/null; then lack 'protoc' protobuf-compiler; fi
if wants protobuf && ! has_python_protobuf; then lack "Google's Python protobuf runtime" python3-protobuf; fi

fail() {
  {
    echo
    echo "factorkit's tests cannot run on this machine yet. $1"
    echo
  } >&2
  exit 1
}

# 2. Install it all in one apt-get call, where that is possible.
if [ ${#packages[@]} -gt 0 ]; then
  list=""
  for i in "${!missing[@]}"; do list+=$'\n'"  - ${missing[$i]} (Debian package ${packages[$i]})"; done
  if ! is_root || ! command -v apt-get >/dev/null; then
    why=$(is_root && echo 'there is no apt-get' || echo 'this is not root')
    fail "Missing:$list
They are installed automatically only by root with apt-get, and $why. Install them yourself
(Debian/Ubuntu: sudo apt-get install -y ${packages[*]}) or run npm test as root."
  fi
  echo "test-setup: installing ${packages[*]}" >&2
  install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${packages[@]}" >/dev/null
  }
  # The package lists are often already there; refresh them only if the install needs it.
  install 2>/dev/null || { apt-get update -qq -o DPkg::Lock::Timeout=600 && install; } ||
    fail "apt-get install ${packages[*]} failed (see above), so these are missing:$list"
fi

# 3. Start what is not running.
problems=()

if postgres_local && ! port_open 5432; then
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do port_open 5432 && break; sleep 1; done
fi
if postgres_local; then
  if ! port_open 5432; then
    problems+=("PostgreSQL is not running on 127.0.0.1:5432 (start it as root: pg_ctlcluster VERSION main start)")
  elif ! psql -h 127.0.0.1 -U postgres -d test -c 'select 1' >/dev/null 2>&1; then
    # Trust auth on 127.0.0.1 and a database named "test", as on the development machines.
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf 2>/dev/null | head -n1)
    if is_root && [ -n "$hba" ]; then
      if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
        sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main reload >/dev/null 2>&1 || true
      fi
      su postgres -c "psql -c 'create database test'" >/dev/null 2>&1 || true
    fi
    psql -h 127.0.0.1 -U postgres -d test -c 'select 1' >/dev/null 2>&1 ||
      problems+=("PostgreSQL on 127.0.0.1:5432 refuses user postgres without a password or has no database test (or set FACTORKIT_PG_URL)")
  fi
fi

if redis_local && ! port_open 6379; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 30); do port_open 6379 && break; sleep 1; done
  port_open 6379 || problems+=("Redis did not start on 127.0.0.1:6379")
fi

if wants redis-cluster; then
  bash scripts/redis-cluster.sh || problems+=("the Redis Cluster did not start (scripts/redis-cluster.sh)")
fi

if mariadb_local && ! port_open 3306; then
  if is_root; then
    [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1
    for _ in $(seq 1 60); do port_open 3306 && break; sleep 1; done
  fi
  port_open 3306 || problems+=("MariaDB is not running on 127.0.0.1:3306 (start it as root, or set FACTORKIT_MYSQL_URL)")
fi
if mariadb_local && port_open 3306 && ! mariadb -h 127.0.0.1 -u root -e 'SELECT 1' test >/dev/null 2>&1; then
  # root over TCP without a password and a database named "test", as on the development machines.
  if is_root; then
    mariadb -u root -e "CREATE DATABASE IF NOT EXISTS test;
      CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
      GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
      CREATE USER IF NOT EXISTS 'root'@'localhost';
      FLUSH PRIVILEGES;" >/dev/null 2>&1 || true
  fi
  mariadb -h 127.0.0.1 -u root -e 'SELECT 1' test >/dev/null 2>&1 ||
    problems+=("MariaDB on 127.0.0.1:3306 refuses root without a password or has no database test (or set FACTORKIT_MYSQL_URL)")
fi

if [ ${#problems[@]} -gt 0 ]; then
  fail "$(printf '\n  - %s' "${problems[@]}")"
fi
