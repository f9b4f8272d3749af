package io.jmachine.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.build.ImageBuilder;
import io.jmachine.engine.container.ContainerFiles;
import io.jmachine.engine.container.ContainerService;
import io.jmachine.engine.container.ContainerUpdates;
import io.jmachine.engine.container.ExecService;
import io.jmachine.engine.events.EventBus;
import io.jmachine.engine.image.ImageService;
import io.jmachine.engine.image.ImageUsage;
import io.jmachine.engine.network.NetworkService;
import io.jmachine.engine.ports.PortPublisher;
import io.jmachine.engine.registry.RegistryService;
import io.jmachine.engine.volume.VolumeService;

import java.time.Clock;

/** The engine's services as {@link EngineServices} wired them, for the front end to serve. */
public record EngineBackend(String engineId, ObjectMapper json, Clock clock, EventBus events, ImageService images,
                            ImageUsage imageUsage, RegistryService registry, ImageBuilder builder, ContainerService containers,
                            ContainerUpdates updates, ContainerFiles files, ExecService execs, PortPublisher ports,
                            VolumeService volumes, NetworkService network) {
}
