package io.meshpilot.xds.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The JVM's name resolver for this module's tests: the built-in one, with every name it is asked
 * to look up recorded, so a test can show that parsing never reached a DNS lookup.
 */
public final class RecordingResolverProvider extends InetAddressResolverProvider {
  private static final Set<String> LOOKUPS = ConcurrentHashMap.newKeySet();

  /** Every host name looked up in this JVM so far. */
  static Set<String> lookups() {
    return Set.copyOf(LOOKUPS);
  }

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver builtin = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        LOOKUPS.add(host);
        return builtin.lookupByName(host, policy);
      }

      @Override
      public String lookupByAddress(byte[] addr) throws UnknownHostException {
        return builtin.lookupByAddress(addr);
      }
    };
  }

  @Override
  public String name() {
    return "meshpilot-test-recording";
  }
}
