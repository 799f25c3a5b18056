package io.steelthread.source.event;

/**
 * One event ready for Kafka.
 *
 * @param id   the event_id
 * @param type the event_type
 * @param key  the record key: the player (Host), so one player's events stay in one partition, in order
 * @param json the record value
 */
public record GameEvent(String id, String type, byte[] key, byte[] json) {
}
