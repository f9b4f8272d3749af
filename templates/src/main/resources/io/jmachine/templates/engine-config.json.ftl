<#-- model: hosts (list), dataRoot, execRoot, tlsCaCert, tlsCert, tlsKey, labels (list), insecureRegistries (list), registryMirrors (list) -->
{
  "hosts": [<#list hosts as h>${h?c}<#sep>, </#list>],
  "data-root": ${dataRoot?c},
  "exec-root": ${execRoot?c},
  "tlsverify": true,
  "tlscacert": ${tlsCaCert?c},
  "tlscert": ${tlsCert?c},
  "tlskey": ${tlsKey?c},
  "labels": [<#list labels as l>${l?c}<#sep>, </#list>],
  "insecure-registries": [<#list insecureRegistries as r>${r?c}<#sep>, </#list>],
  "registry-mirrors": [<#list registryMirrors as m>${m?c}<#sep>, </#list>]
}
