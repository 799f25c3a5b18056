package io.steelthread.flows.scheduler;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.cloud.task.repository.TaskExecution;
import org.springframework.cloud.task.repository.TaskExplorer;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The server's own task launching, in process: a firing is a launch like one from the dashboard (a task execution
 * in Data Flow's history, its log and manifest kept by the server), with no credentials to hold. The service's
 * interface lives in spring-cloud-dataflow-server-core, which Maven Central does not carry, so it is looked up by
 * name in the server's context rather than compiled against.
 */
class ServerTasks {

    static final String TASK_EXECUTION_SERVICE = "org.springframework.cloud.dataflow.server.service.TaskExecutionService";

    private final BeanFactory server;
    private final Set<Long> launchedHere = ConcurrentHashMap.newKeySet();

    ServerTasks(BeanFactory server) {
        this.server = server;
    }

    long launch(String task, Map<String, String> properties, List<String> arguments) {
        Class<?> type = ClassUtils.resolveClassName(TASK_EXECUTION_SERVICE, getClass().getClassLoader());
        Method executeTask = ReflectionUtils.findMethod(type, "executeTask", String.class, Map.class, List.class);
        if (executeTask == null) {
            throw new IllegalStateException(TASK_EXECUTION_SERVICE + " has no executeTask(String, Map, List): "
                    + "this plug-in is built for Data Flow 2.7");
        }
        Object service = server.getBean(type);
        long id = (Long) ReflectionUtils.invokeMethod(executeTask, service, task, properties, arguments);
        launchedHere.add(id);
        return id;
    }

    /**
     * Whether an execution this server launched has not ended. One launched before a restart counts as ended: the
     * local platform lost its process, and a schedule must not wait for an end that will never be recorded.
     */
    boolean running(long executionId) {
        if (!launchedHere.contains(executionId)) {
            return false;
        }
        TaskExecution execution = server.getBean(TaskExplorer.class).getTaskExecution(executionId);
        return execution != null && execution.getEndTime() == null;
    }
}
