package io.jmachine.engine.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The runtime-spec LinuxResources that {@code runc update --resources -} reads, for {@code docker update}: a value
 * left out (null) keeps what the cgroup has, as does 0 for every number but the pids limit, where -1 lifts it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourceUpdate(@JsonProperty("memory") Memory memory, @JsonProperty("cpu") Cpu cpu, @JsonProperty("pids") Pids pids,
                             @JsonProperty("blockIO") BlockIo blockIo) {

    /** Bytes; swap is memory plus swap (cgroup v1's memsw; runc converts it for v2), -1 unlimited. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Memory(@JsonProperty("limit") Long limit, @JsonProperty("reservation") Long reservation,
                         @JsonProperty("swap") Long swap, @JsonProperty("kernel") Long kernel) {}

    /** Shares (unsigned, as the spec has them), the CFS quota and period in µs, and the cpuset lists. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cpu(@JsonProperty("shares") Number shares, @JsonProperty("quota") Long quota, @JsonProperty("period") Long period,
                      @JsonProperty("cpus") String cpus, @JsonProperty("mems") String mems) {}

    public record Pids(@JsonProperty("limit") long limit) {}

    public record BlockIo(@JsonProperty("weight") Integer weight) {}
}
