-- The seed's streaming table (write_swords_stream.py): sword purchases, as StreamEventsJob writes them.
-- ${database} and ${location} come from the task's properties (steelthread.pipeline.hive.*), never from event data.
-- The seed's columns (describe purchases: accept, host, user-agent, event_type, timestamp) come first.
CREATE EXTERNAL TABLE IF NOT EXISTS ${database}.sword_purchases (
  accept STRING,
  host STRING,
  `user-agent` STRING,
  event_type STRING,
  `timestamp` STRING,
  event_id STRING,
  event_ts TIMESTAMP,
  player STRING,
  isp STRING,
  ua_family STRING,
  ua_version STRING,
  os_family STRING,
  device_family STRING,
  attributes MAP<STRING, STRING>,
  raw_event STRING,
  kafka_partition INT,
  kafka_offset BIGINT
)
PARTITIONED BY (event_date STRING, event_hour INT)
STORED AS PARQUET
LOCATION '${location}'
