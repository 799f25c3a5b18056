package io.steelthread.localstack.metastore;

import java.net.InetSocketAddress;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hive.metastore.HiveMetaStore;
import org.apache.hadoop.hive.metastore.IHMSHandler;
import org.apache.hadoop.hive.metastore.RetryingHMSHandler;
import org.apache.hadoop.hive.metastore.TSetIpAddressProcessor;
import org.apache.hadoop.hive.metastore.conf.MetastoreConf;
import org.apache.hadoop.hive.metastore.conf.MetastoreConf.ConfVars;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.server.ServerContext;
import org.apache.thrift.server.TServer;
import org.apache.thrift.server.TServerEventHandler;
import org.apache.thrift.server.TThreadPoolServer;
import org.apache.thrift.transport.TServerSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hive 3.1.3 metastore's thrift server on one address. Hive's own main binds every interface and has no
 * setting to change it ({@code metastore.thrift.bind.host} came with Hive 4), and nothing on the metastore
 * authenticates. This builds the server Hive's main builds, from Hive's public parts — its handler (HMSHandler
 * behind RetryingHMSHandler), its processor (TSetIpAddressProcessor, which records each caller's address), the
 * binary protocol with the configured message size — on a socket bound to {@code metastore.thrift.bind.host}
 * (default 127.0.0.1). Not built: SASL/Kerberos, SSL, framed or compact transports (refused if configured) and
 * Hive's housekeeping threads (event cleaner, compactor), which the local stack does not use.
 */
public final class LoopbackMetastore {

    private static final Logger log = LoggerFactory.getLogger(LoopbackMetastore.class);

    private LoopbackMetastore() {
    }

    public static void main(String[] args) throws Exception {
        Configuration conf = MetastoreConf.newMetastoreConf();
        for (ConfVars unsupported : new ConfVars[] {ConfVars.USE_THRIFT_SASL, ConfVars.USE_SSL,
                ConfVars.USE_THRIFT_FRAMED_TRANSPORT, ConfVars.USE_THRIFT_COMPACT_PROTOCOL}) {
            if (MetastoreConf.getBoolVar(conf, unsupported)) {
                throw new IllegalStateException(unsupported.getVarname() + " is set: use Hive's own main "
                        + "(org.apache.hadoop.hive.metastore.HiveMetaStore), which supports it");
            }
        }
        String host = conf.get("metastore.thrift.bind.host", "127.0.0.1");
        int port = MetastoreConf.getIntVar(conf, ConfVars.SERVER_PORT);
        markRemote();
        IHMSHandler handler = RetryingHMSHandler.getProxy(conf,
                new HiveMetaStore.HMSHandler("new db based metaserver", conf, false), false);
        long maxMessageSize = MetastoreConf.getLongVar(conf, ConfVars.SERVER_MAX_MESSAGE_SIZE);
        TServerSocket socket = new TServerSocket(new InetSocketAddress(host, port));
        TServer server = new TThreadPoolServer(new TThreadPoolServer.Args(socket)
                .processor(new TSetIpAddressProcessor<>(handler))
                .transportFactory(new TTransportFactory())
                .protocolFactory(new TBinaryProtocol.Factory())
                .inputProtocolFactory(new TBinaryProtocol.Factory(true, true, maxMessageSize, maxMessageSize))
                .minWorkerThreads(MetastoreConf.getIntVar(conf, ConfVars.SERVER_MIN_THREADS))
                .maxWorkerThreads(MetastoreConf.getIntVar(conf, ConfVars.SERVER_MAX_THREADS)));
        server.setServerEventHandler(new ClosesRawStores());
        log.info("Started the metastore on {}:{}", host, port);
        server.serve();
    }

    /**
     * Hive's main marks the process as a remote metastore: its handler then takes each caller's address from the
     * thrift connection instead of resolving this host's name for every audit line. A private flag, no setter.
     */
    private static void markRemote() throws ReflectiveOperationException {
        java.lang.reflect.Field remote = HiveMetaStore.class.getDeclaredField("isMetaStoreRemote");
        remote.setAccessible(true);
        remote.setBoolean(null, true);
    }

    /**
     * A connection's worker thread keeps a RawStore (a JDO persistence manager) in a thread local, and the pool
     * reuses the thread for later connections: when a connection ends, Hive's main shuts that store down and clears
     * the thread local (a store shut down but left there fails the next connection's first call with a
     * NullPointerException; seen). Hive does it in a private method, called here as Hive calls it.
     */
    private static final class ClosesRawStores implements TServerEventHandler {

        private final java.lang.reflect.Method cleanup;

        ClosesRawStores() throws ReflectiveOperationException {
            cleanup = HiveMetaStore.class.getDeclaredMethod("cleanupRawStore");
            cleanup.setAccessible(true);
        }

        @Override
        public void preServe() {
        }

        @Override
        public ServerContext createContext(TProtocol input, TProtocol output) {
            return null;
        }

        @Override
        public void deleteContext(ServerContext context, TProtocol input, TProtocol output) {
            try {
                cleanup.invoke(null);
            }
            catch (ReflectiveOperationException e) {
                log.warn("cannot clean up the connection's RawStore: {}", e.toString());
            }
        }

        @Override
        public void processContext(ServerContext context, TTransport input, TTransport output) {
        }
    }
}
