#!/usr/bin/env bash
# A three-master Redis Cluster on 127.0.0.1 for the store tests (ports 7001-7003 unless
# FACTORKIT_REDIS_CLUSTER_PORTS says otherwise). Idempotent: a cluster already answering
# "cluster_state:ok" on those ports is reused; stopped nodes are started again with their
# saved node files, and a cluster is created only over empty, fresh nodes. Nothing is
# persisted but the cluster's own node table (the tests write throwaway data).
set -euo pipefail

ports=(${FACTORKIT_REDIS_CLUSTER_PORTS:-7001 7002 7003})
base="${FACTORKIT_REDIS_CLUSTER_DIR:-/tmp/factorkit-redis-cluster}"

command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }

state() { redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p'; }

all_ok=1
for port in "${ports[@]}"; do [ "$(state "$port")" = ok ] || all_ok=0; done
[ "$all_ok" = 1 ] && exit 0

for port in "${ports[@]}"; do
  if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
    mkdir -p "$base/$port"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "$base/$port/nodes.conf" --cluster-node-timeout 5000 \
      --dir "$base/$port" --save "" --appendonly no --daemonize yes \
      --logfile "$base/$port/redis.log" --pidfile "$base/$port/redis.pid"
  fi
done
for port in "${ports[@]}"; do
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

# Restarted nodes that already form a cluster find each other again from nodes.conf.
known=$(redis-cli -h 127.0.0.1 -p "${ports[0]}" cluster info | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')
if [ "${known:-1}" = 1 ]; then
  addresses=()
  for port in "${ports[@]}"; do addresses+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
fi
for _ in $(seq 1 100); do
  all_ok=1
  for port in "${ports[@]}"; do [ "$(state "$port")" = ok ] || all_ok=0; done
  [ "$all_ok" = 1 ] && exit 0
  sleep 0.2
done
echo "the Redis Cluster on ports ${ports[*]} did not reach cluster_state:ok" >&2
exit 1
