package io.jmachine.drivers.cloud;

import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.SshEndpoint;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A driver of a cloud instance, which every provider reaches the same way: at the instance's address, SSH on 22 and the
 * engine on 2376 (the only ports its firewall opens), the host its own.
 */
public interface CloudDriver extends Driver {

    int SSH_PORT = 22;
    int ENGINE_PORT = 2376;

    /** Where the instance is reached, as last read from the provider. */
    Reach reach();

    /**
     * @param address the address this host reaches the instance at; null before create got that far
     * @param kind    what address it is, for the error without one ("public", "private")
     */
    record Reach(String machineName, String address, String kind, String sshUser, String sshKeyPath) {

        public String require() {
            if (address == null) {
                throw new DriverException(machineName + " has no " + kind + " address yet: its create did not get that far; start it "
                        + "(jmachine start " + machineName + ") or remove it (jmachine rm -f " + machineName + ")");
            }
            return address;
        }
    }

    @Override
    default URI engineUrl() {
        return URI.create("tcp://" + reach().require() + ":" + ENGINE_PORT);
    }

    @Override
    default String ipAddress() {
        return reach().require();
    }

    @Override
    default boolean hasHost() {
        return true;
    }

    @Override
    default Optional<SshEndpoint> ssh() {
        Reach reach = reach();
        return Optional.of(new SshEndpoint(reach.require(), SSH_PORT, reach.sshUser(), Path.of(reach.sshKeyPath())));
    }

    @Override
    default boolean ownsHost() {
        return true;
    }
}
