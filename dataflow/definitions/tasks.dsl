# Tasks, one per line: <name> = <definition>. Each is a job of the pipeline task (spark-tasks/README.md);
# the settings every launch needs (broker, warehouse, Spark, HiveServer2, Presto) come from pipeline.properties.
purchases-extract = pipeline-task --spring.batch.job.names=purchasesExtract
spark-extract = pipeline-task --spring.batch.job.names=sparkExtract
hive-ddl = pipeline-task --spring.batch.job.names=hiveDdl
presto-validate = pipeline-task --spring.batch.job.names=prestoValidate
sword-purchases-stream = pipeline-task --spring.batch.job.names=swordPurchasesStream
filter-swords-stream = pipeline-task --spring.batch.job.names=swordPurchasesStream --steelthread.pipeline.stream.sink=console --steelthread.pipeline.stream.table=sword_purchases_console
compact-partition = pipeline-task --spring.batch.job.names=compactPartition
# Flows (composed tasks, run by flows/flow-runner): a child runs after the one before it succeeded; a failed child
# fails the flow, naming it. 'FAILED' -> x, <a || b> and labels work as in Data Flow's task DSL (README, Flows).
# The seed's batch half, one step task after the other; relaunched after a failure it resumes at the failed child.
batch-flow = spark-extract: pipeline-task --spring.batch.job.names=sparkExtract && hive-ddl: pipeline-task --spring.batch.job.names=hiveDdl && presto-validate: pipeline-task --spring.batch.job.names=prestoValidate
