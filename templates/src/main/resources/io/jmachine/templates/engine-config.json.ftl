<#-- model: hosts (list), dataRoot, execRoot, pidfile (optional), tlsCaCert, tlsCert, tlsKey, labels (list),
     insecureRegistries (list), registryMirrors (list),
     options (optional map: more keys of the engine's config file from --engine-opt; "true"/"false" become booleans) -->
{
  "hosts": [<#list hosts as h>${h?c}<#sep>, </#list>],
  "data-root": ${dataRoot?c},
  "exec-root": ${execRoot?c},
<#if pidfile??>
  "pidfile": ${pidfile?c},
</#if>
<#list (options!{}) as key, value>
  ${key?c}: <#if value == "true" || value == "false">${value}<#else>${value?c}</#if>,
</#list>
  "tlsverify": true,
  "tlscacert": ${tlsCaCert?c},
  "tlscert": ${tlsCert?c},
  "tlskey": ${tlsKey?c},
  "labels": [<#list labels as l>${l?c}<#sep>, </#list>],
  "insecure-registries": [<#list insecureRegistries as r>${r?c}<#sep>, </#list>],
  "registry-mirrors": [<#list registryMirrors as m>${m?c}<#sep>, </#list>]
}
