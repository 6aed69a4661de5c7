package dev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Development/test launcher: Neo4j Community 5.26 embedded, Bolt and HTTP (with the Neo4j Browser) on
 * loopback only. Configuration comes from environment variables so that scripts/neo4j-dev and CI can move
 * ports and the data directory without editing code:
 *
 * <ul>
 *   <li>NEO4J_DEV_HOME (default .neo4j-dev): store, logs and the READY marker.
 *   <li>NEO4J_DEV_BOLT_PORT (7687), NEO4J_DEV_HTTP_PORT (7474).
 *   <li>NEO4J_DEV_PASSWORD: empty = auth off (tests); otherwise auth on and the password of user neo4j is set
 *       at start-up (quickstart).
 *   <li>NEO4J_DEV_PAGECACHE_MB (512), NEO4J_DEV_CONF (neo4j-dev/neo4j.conf, optional extra settings).
 * </ul>
 */
public final class Neo4jDev {
  private Neo4jDev() {}

  private static String env(String key, String dflt) {
    String v = System.getenv(key);
    return v == null || v.isEmpty() ? dflt : v;
  }

  public static void main(String[] args) throws Exception {
    Path home = Path.of(env("NEO4J_DEV_HOME", ".neo4j-dev")).toAbsolutePath();
    int bolt = Integer.parseInt(env("NEO4J_DEV_BOLT_PORT", "7687"));
    int http = Integer.parseInt(env("NEO4J_DEV_HTTP_PORT", "7474"));
    String password = env("NEO4J_DEV_PASSWORD", "");
    long pagecacheMb = Long.parseLong(env("NEO4J_DEV_PAGECACHE_MB", "512"));
    Path conf = Path.of(env("NEO4J_DEV_CONF", "neo4j-dev/neo4j.conf"));
    Files.createDirectories(home);
    Path ready = home.resolve("READY");
    Files.deleteIfExists(ready);

    var builder =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", bolt))
            .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", bolt))
            .setConfig(HttpConnector.enabled, true)
            .setConfig(HttpConnector.listen_address, new SocketAddress("127.0.0.1", http))
            .setConfig(HttpConnector.advertised_address, new SocketAddress("127.0.0.1", http))
            .setConfig(HttpsConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, !password.isEmpty())
            .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMb))
            .setUserLogProvider(new Log4jLogProvider(System.out));
    if (Files.isRegularFile(conf)) {
      builder = builder.loadPropertiesFromFile(conf);
    }
    DatabaseManagementService dbms = builder.build();
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM (scripts/neo4j-dev stop) -> clean shutdown so the store is not left in recovery state.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Files.deleteIfExists(ready);
                  } catch (IOException ignored) {
                    // best effort: the marker is only a hint for the wait loop
                  }
                  dbms.shutdown();
                  stopped.countDown();
                }));

    GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    if (!db.isAvailable(180_000)) {
      System.err.println("NEO4J_DEV_FAILED database not available after 180 s");
      System.exit(1);
    }
    if (!password.isEmpty()) {
      setPassword(dbms, password);
    }
    Files.writeString(ready, "bolt://127.0.0.1:" + bolt + "\n");
    System.out.println(
        "NEO4J_DEV_READY bolt://127.0.0.1:" + bolt + " http://127.0.0.1:" + http + "/browser/");
    System.out.flush();
    stopped.await();
  }

  private static void setPassword(DatabaseManagementService dbms, String password) {
    GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
    try {
      system.executeTransactionally(
          "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
    } catch (RuntimeException e) {
      // A persistent home keeps the password of the previous run; Neo4j refuses to "change" it to itself.
      String msg = String.valueOf(e.getMessage());
      if (!msg.contains("cannot be the same")) {
        throw e;
      }
    }
  }
}
