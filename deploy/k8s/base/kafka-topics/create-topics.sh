#!/bin/sh
# Creates every omni topic and its <topic>.dlq; safe to run any number of times.
# A topic whose partition count in KAFKA_TOPICS is above the broker's is grown.
# Growing re-maps keys to partitions, so per-key order is only guaranteed again
# once the old partitions are drained: change a count on purpose. Kafka cannot
# shrink a topic; a lower count is reported and left alone.
set -eu

: "${KAFKA_BROKERS:?KAFKA_BROKERS is required}"
: "${KAFKA_TOPICS:?KAFKA_TOPICS is required (name:partitions ...)}"
prefix="${KAFKA_TOPIC_PREFIX:-}"
replication="${KAFKA_REPLICATION_FACTOR:-3}"
min_isr="${KAFKA_MIN_INSYNC_REPLICAS:-2}"
dlq_partitions="${KAFKA_DLQ_PARTITIONS:-3}"
dlq_retention_ms="${KAFKA_DLQ_RETENTION_MS:-1209600000}"

if [ "$min_isr" -gt "$replication" ]; then
  echo "min.insync.replicas $min_isr > replication factor $replication: using $replication" >&2
  min_isr="$replication"
fi

kafka_topics() {
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$KAFKA_BROKERS" "$@" </dev/null
}

wanted=/tmp/wanted-topics
: >"$wanted"
for spec in $KAFKA_TOPICS; do
  echo "$prefix${spec%%:*} ${spec##*:}" >>"$wanted"
  echo "$prefix${spec%%:*}.dlq $dlq_partitions" >>"$wanted"
done

while read -r topic partitions; do
  case "$topic" in
    # Dead letters are kept longer than the broker default so they can be inspected and replayed.
    *.dlq) set -- --config "retention.ms=$dlq_retention_ms" ;;
    *) set -- ;;
  esac
  echo "create $topic partitions=$partitions replication=$replication"
  kafka_topics --create --if-not-exists --topic "$topic" \
    --partitions "$partitions" --replication-factor "$replication" \
    --config "min.insync.replicas=$min_isr" "$@"
done <"$wanted"

kafka_topics --describe --exclude-internal >/tmp/described-topics

while read -r topic partitions; do
  current=$(awk -v t="$topic" '$1 == "Topic:" && $2 == t {
    for (i = 3; i < NF; i++) if ($i == "PartitionCount:") print $(i + 1)
  }' /tmp/described-topics)
  if [ -z "$current" ]; then
    echo "$topic is missing after create" >&2
    exit 1
  elif [ "$current" -lt "$partitions" ]; then
    echo "grow $topic partitions $current -> $partitions"
    kafka_topics --alter --topic "$topic" --partitions "$partitions"
  elif [ "$current" -gt "$partitions" ]; then
    echo "note: $topic has $current partitions, more than the $partitions asked; left as is" >&2
  fi
done <"$wanted"

echo "topics ready"
