<#-- model: bundleDir, configFile, description, environment (optional list of NAME=VALUE) -->
[Unit]
Description=${description}
Documentation=https://docs.docker.com/engine/api/
After=network-online.target
Wants=network-online.target

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
TimeoutStopSec=30

[Install]
WantedBy=multi-user.target
