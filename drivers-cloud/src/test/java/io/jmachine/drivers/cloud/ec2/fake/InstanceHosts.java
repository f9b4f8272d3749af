package io.jmachine.drivers.cloud.ec2.fake;

/** What runs the fake endpoint's instances: nothing (request-shape tests), or real VMs ({@link LibvirtHosts}). */
public interface InstanceHosts {

    /** Boots the instance with the user-data it was given. @return the "public" address this host reaches it at */
    String launch(String instanceId, String userData);

    /** Whether the instance has booted far enough to count as running. */
    boolean running(String instanceId);

    void stop(String instanceId);

    void start(String instanceId);

    void terminate(String instanceId);

    /** Hosts that run nothing: every instance is at once running at 127.0.0.1. */
    static InstanceHosts none() {
        return new InstanceHosts() {
            @Override
            public String launch(String instanceId, String userData) {
                return "127.0.0.1";
            }

            @Override
            public boolean running(String instanceId) {
                return true;
            }

            @Override
            public void stop(String instanceId) {
            }

            @Override
            public void start(String instanceId) {
            }

            @Override
            public void terminate(String instanceId) {
            }
        };
    }
}
