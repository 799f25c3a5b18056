package io.steelthread.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Port checks: tests take free ports, and a taken port must fail fast with the server's name. */
public final class Ports {

    private Ports() {
    }

    /** Ports this JVM handed out: a stack takes a dozen before it starts any server. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A free port below Linux's ephemeral range (32768–60999): a port the kernel picked (bind to 0) is in that range,
     * where every outgoing connection and every server's own random port (Presto's thrift, Spark's driver, Kafka
     * clients) also lands, so between the pick and the server's bind another process took it now and then (CI saw
     * "port … is already in use" for Presto). Random in 20000–32767, free on loopback and the wildcard address,
     * never the same twice in one JVM.
     */
    public static int free() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = random.nextInt(20000, 32768);
            if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HANDED_OUT.add(socket.getLocalPort());
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One after the other: a port held on loopback cannot be bound on the wildcard address at the same time. */
    private static boolean bindable(int port) {
        for (InetAddress address : new InetAddress[] {InetAddress.getLoopbackAddress(), null}) {
            try (ServerSocket socket = new ServerSocket(port, 1, address)) {
                socket.getLocalPort();
            }
            catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    public static boolean isOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    public static void requireFree(String server, int port) {
        if (isOpen(port)) {
            throw new ServerStartException(server, "cannot start: port " + port + " is already in use", null);
        }
    }
}
