# Streams, one per line: <name> = <definition>. The game API's events go through the processor to the topic
# the seed reads (kcat -C -t events) and Spark consumes; bad ones go to events.dlq.
game-events = game-api | event-processor > :events
