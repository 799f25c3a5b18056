package io.steelthread.localstack.presto;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMISocketFactory;

import io.netty.bootstrap.AbstractBootstrap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Binds the servers of Presto 0.287 that have no bind setting to one address (the stack passes Presto's
 * {@code node.bind-ip}): the Drift thrift server, which Netty binds with {@code bind(port)} on every interface, and
 * the JDK's local JMX connector, which Presto's JMX agent starts on a random port of every interface. The first is
 * redirected by advice on Netty's {@code AbstractBootstrap.bind(int)}; the second by the JVM-wide RMI socket factory,
 * which the local connector uses when {@code com.sun.management.jmxremote.local.only=false} (the stack sets it; the
 * factory accepts connections on the bound address only, stricter than the JDK's local-only check).
 *
 * <p>Started as {@code -javaagent:presto-loopback-agent.jar=<address>}.
 */
public final class LoopbackAgent {

    private static volatile InetAddress address;

    private LoopbackAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) throws IOException {
        if (arguments == null || arguments.isBlank()) {
            throw new IllegalArgumentException("presto-loopback-agent needs the address to bind to: "
                    + "-javaagent:presto-loopback-agent.jar=127.0.0.1");
        }
        address = InetAddress.getByName(arguments.trim());
        RMISocketFactory.setSocketFactory(new BoundRmiSockets(address));
        new AgentBuilder.Default()
                .type(named("io.netty.bootstrap.AbstractBootstrap"))
                .transform((builder, type, loader, module, domain) -> builder.visit(
                        Advice.to(BindToAddress.class).on(named("bind").and(takesArguments(int.class)))))
                .installOn(instrumentation);
        System.err.println("presto-loopback-agent: Netty servers and RMI server sockets bind to "
                + address.getHostAddress());
    }

    /** The address servers bind to; read by the advice inlined into Netty. */
    public static InetAddress address() {
        return address;
    }

    /**
     * Inlined into {@code AbstractBootstrap.bind(int)}: binds the port on the agent's address instead. Its signatures
     * name no Netty type: describing the advice must not load the class being transformed.
     */
    public static final class BindToAddress {

        private BindToAddress() {
        }

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static Object enter(@Advice.This Object bootstrap, @Advice.Argument(0) int port) {
            return ((AbstractBootstrap<?, ?>) bootstrap).bind(new InetSocketAddress(LoopbackAgent.address(), port));
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter Object bound,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned) {
            returned = bound;
        }
    }

    /** RMI's server sockets on one address; client sockets as RMI makes them by default. */
    static final class BoundRmiSockets extends RMISocketFactory {

        private final InetAddress address;

        BoundRmiSockets(InetAddress address) {
            this.address = address;
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return new ServerSocket(port, 50, address);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return RMISocketFactory.getDefaultSocketFactory().createSocket(host, port);
        }
    }
}
