// Starts AWS's DynamoDB Local bound to one address (127.0.0.1 by default).
//
// DynamoDB Local listens on every interface and has no option to change that;
// a database for local runs and tests must not be reachable from the network.
// This launcher builds the server the way DynamoDB Local's own command line
// does, then sets the host of its Jetty connector before starting it. It also
// exits when its standard input closes, so it never outlives the Node process
// that started it (even one killed with SIGKILL).
//
// Run with Java 17's source launcher: java -cp <DynamoDBLocal.jar:lib/*> LoopbackDynamoDBLocal.java <args>

import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDBLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("bindHost", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost(host);
    }
    proxy.start();
    System.out.println("DynamoDB Local listening on " + host);
    System.out.flush();
    Thread watcher = new Thread(() -> {
      try {
        while (System.in.read() >= 0) { }
      } catch (Exception ignored) { }
      System.exit(0);
    });
    watcher.setDaemon(true);
    watcher.start();
    proxy.join();
  }
}
