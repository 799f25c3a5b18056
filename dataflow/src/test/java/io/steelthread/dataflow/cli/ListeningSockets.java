package io.steelthread.dataflow.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The TCP sockets a process listens on, from Linux's /proc (no ss or netstat needed). */
final class ListeningSockets {

    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /** A listening socket: its address and port. */
    record Socket(InetAddress address, int port) {

        boolean loopback() {
            return address.isLoopbackAddress();
        }

        @Override
        public String toString() {
            return address.getHostAddress() + ":" + port;
        }
    }

    static List<Socket> of(long pid) throws IOException {
        Map<String, Socket> byInode = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals(LISTEN)) {
                    String[] local = f[1].split(":");
                    byInode.put(f[9], new Socket(address(local[0]), Integer.parseInt(local[1], 16)));
                }
            }
        }
        List<Socket> sockets = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        Socket s = byInode.get(target.substring(8, target.length() - 1));
                        if (s != null) {
                            sockets.add(s);
                        }
                    }
                }
                catch (IOException closedMeanwhile) {
                    // The descriptor went away while listing.
                }
            }
        }
        return sockets;
    }

    /** /proc prints addresses as 32-bit words in host (little-endian) order. */
    private static InetAddress address(String hex) throws UnknownHostException {
        byte[] raw = new byte[hex.length() / 2];
        for (int word = 0; word < raw.length / 4; word++) {
            byte[] w = new BigInteger(hex.substring(word * 8, word * 8 + 8), 16).toByteArray();
            byte[] four = new byte[4];
            System.arraycopy(w, Math.max(0, w.length - 4), four, 4 - Math.min(4, w.length), Math.min(4, w.length));
            for (int i = 0; i < 4; i++) {
                raw[word * 4 + i] = four[3 - i];
            }
        }
        return InetAddress.getByAddress(raw);
    }
}
