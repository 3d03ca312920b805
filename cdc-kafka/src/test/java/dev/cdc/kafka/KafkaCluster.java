package dev.cdc.kafka;

import dev.cdc.testkit.fixture.Services;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private KRaft cluster started by {@code scripts/kafka-cluster.sh} on free ports, for tests
 * that kill brokers or need broker settings the shared one does not have. Never the shared broker.
 */
public final class KafkaCluster implements AutoCloseable {

    private final Path dir;
    private final int basePort;
    private final String bootstrap;

    private KafkaCluster(Path dir, int basePort, String bootstrap) {
        this.dir = dir;
        this.basePort = basePort;
        this.bootstrap = bootstrap;
    }

    /** Starts {@code nodes} combined broker+controller nodes with these broker settings (key=value). */
    public static KafkaCluster start(Path dir, int nodes, String... settings) throws Exception {
        int base = freeBase(nodes * 2);
        List<String> args = new ArrayList<>(List.of("start", dir.toString(), Integer.toString(base),
                Integer.toString(nodes)));
        args.addAll(List.of(settings));
        String out = run(dir, args);
        String[] lines = out.strip().split("\n");
        return new KafkaCluster(dir, base, lines[lines.length - 1].strip());
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** The node id listening on this port. */
    public int nodeOfPort(int port) {
        return (port - basePort) / 2 + 1;
    }

    public int port(int node) {
        return basePort + 2 * (node - 1);
    }

    /** kill -9 of node {@code node}. */
    public void kill(int node) throws Exception {
        run(dir, List.of("kill-node", dir.toString(), Integer.toString(node)));
    }

    @Override
    public void close() throws Exception {
        run(dir, List.of("stop", dir.toString()));
    }

    private static String run(Path dir, List<String> args) throws Exception {
        Files.createDirectories(dir);
        Path script = Services.script().getParent().resolve("kafka-cluster.sh");
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(args);
        Path log = dir.resolve("cluster-" + args.get(0) + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 3 minutes; see " + log);
        }
        String out = Files.readString(log);
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + out);
        }
        return out;
    }

    private static int freeBase(int ports) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 30_000) & ~1;
            boolean free = true;
            for (int p = base; p < base + ports && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no " + ports + " free consecutive ports found between 20000 and 30000");
    }
}
