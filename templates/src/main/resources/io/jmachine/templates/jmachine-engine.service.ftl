<#-- model: bundleDir, configFile, description, environment (optional list of NAME=VALUE) -->
[Unit]
Description=${description}
Documentation=https://docs.docker.com/engine/api/
# network.target, not network-online: the engine listens on wildcard addresses, and provisioning starts it right
# after SSH answers, when waiting for network-online (cloud-init still running) would hold the start for seconds
After=network.target

[Service]
Type=simple
<#list (environment![]) as e>
Environment="${e?replace('\\', '\\\\')?replace('"', '\\"')}"
</#list>
ExecStart=${bundleDir}/bin/jmachine-engine --config-file ${configFile}
# containers outlive the engine: stop only the engine's own process
KillMode=process
Restart=on-failure
RestartSec=2
LimitNOFILE=1048576
Delegate=yes
# at a host shutdown the engine first stops the containers, each after its own stop timeout (10 s unless set)
TimeoutStopSec=90

[Install]
WantedBy=multi-user.target
