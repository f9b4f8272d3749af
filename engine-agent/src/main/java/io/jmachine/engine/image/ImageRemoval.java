package io.jmachine.engine.image;

import io.jmachine.engine.errors.EngineException;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Docker's image removal rules (moby daemon/images/image_delete.go), with its wording. Removing by name
 * untags; the image itself goes when no tag is left. Hard conflicts (a child image, a running container)
 * cannot be forced; soft ones (a stopped container, tags in other repositories) can.
 */
final class ImageRemoval {

    private record Conflict(Digest imageId, boolean hard, boolean used, String message) {
        EngineException exception() {
            return EngineException.conflict("conflict: unable to delete " + imageId.shortHex() + " ("
                    + (hard ? "cannot be forced" : "must be forced") + ") - " + message);
        }
    }

    private static final int CHILD = 1;
    private static final int RUNNING = 2;
    private static final int STOPPED = 4;
    private static final int REFERENCED = 8;
    private static final int HARD = CHILD | RUNNING;
    private static final int SOFT = STOPPED | REFERENCED;

    private final ImageService service;
    private final ImageUsage usage;

    ImageRemoval(ImageService service, ImageUsage usage) {
        this.service = service;
        this.usage = usage;
    }

    List<DeleteResponse> remove(String name, boolean force, boolean prune) throws IOException {
        Image image = service.resolve(name);
        Digest id = image.id();
        ReferenceStore references = service.references();
        List<ImageReference> refs = references.referencesTo(id);
        List<DeleteResponse> records = new ArrayList<>();
        boolean removedRepositoryRef = false;
        if (!isIdPrefix(id, name)) {
            if (!force && isSingleReference(refs)) {
                Optional<ImageUsage.ContainerUse> user = usage.containersUsing(id).stream().findFirst();
                if (user.isPresent()) {
                    // untagging would leave a dangling image in use: make the user say so
                    throw EngineException.conflict("conflict: unable to remove repository reference \"" + name + "\" (must force) - container "
                            + shortId(user.get().containerId()) + " is using its referenced image " + id.shortHex());
                }
            }
            ImageReference reference = ImageReference.parse(name);
            references.remove(reference);
            records.add(DeleteResponse.untagged(reference));
            if (reference.digest() == null) {
                removeDigestsOfUntaggedRepository(reference, id, records);
            }
            if (!references.referencesTo(id).isEmpty()) {
                return records;
            }
            removedRepositoryRef = true;
        } else if (isSingleReference(refs)) {
            Conflict conflict = conflict(id, force ? HARD : HARD | (SOFT & ~REFERENCED));
            if (conflict != null) {
                throw conflict.exception();
            }
            for (ImageReference reference : refs) {
                references.remove(reference);
                records.add(DeleteResponse.untagged(reference));
            }
        }
        delete(id, records, force, prune, removedRepositoryRef);
        return records;
    }

    /**
     * As moby: once the last tag of a repository on an image is gone, that repository's digest references to it
     * (left by pulls and pushes) go too, so that rmi of the pulled tag removes the pulled image.
     */
    private void removeDigestsOfUntaggedRepository(ImageReference untagged, Digest id, List<DeleteResponse> records) throws IOException {
        List<ImageReference> remaining = service.references().referencesTo(id);
        if (remaining.stream().anyMatch(r -> r.digest() == null && r.name().equals(untagged.name()))) {
            return;
        }
        for (ImageReference reference : remaining) {
            if (reference.digest() != null && reference.name().equals(untagged.name())) {
                service.references().remove(reference);
                records.add(DeleteResponse.untagged(reference));
            }
        }
    }

    private void delete(Digest id, List<DeleteResponse> records, boolean force, boolean prune, boolean quiet) throws IOException {
        Conflict conflict = conflict(id, force ? HARD : HARD | SOFT);
        if (conflict != null) {
            if (quiet && (!isDangling(id) || conflict.used())) {
                return; // pruning parents stops quietly at the first one still wanted
            }
            throw conflict.exception();
        }
        Digest parent = service.images().get(id).map(Image::parent).orElse(null);
        for (ImageReference reference : service.references().referencesTo(id)) {
            service.references().remove(reference);
            records.add(DeleteResponse.untagged(reference));
        }
        service.images().delete(id);
        service.references().forget(id);
        records.add(DeleteResponse.deleted(id));
        for (Digest layer : service.collectGarbage()) {
            records.add(DeleteResponse.deleted(layer));
        }
        if (prune && parent != null && service.images().get(parent).isPresent()) {
            delete(parent, records, false, true, true);
        }
    }

    PruneReport prune(ImageFilters filters) throws IOException {
        boolean danglingOnly = filters.dangling().orElse(true);
        long until = filters.until(Instant.now()).map(Instant::getEpochSecond).orElse(Long.MAX_VALUE);
        long before = totalLayerSize();
        List<DeleteResponse> deleted = new ArrayList<>();
        for (Image image : service.images().all()) {
            Digest id = image.id();
            if (service.images().get(id).isEmpty() || !service.images().children(id).isEmpty()
                    || !usage.containersUsing(id).isEmpty()
                    || (danglingOnly && !service.references().referencesTo(id).isEmpty())
                    || !filters.matchesLabels(image.config().config().labelsOrEmpty())
                    || Rfc3339.epochSeconds(image.config().created()) > until) {
                continue;
            }
            try {
                List<ImageReference> refs = service.references().referencesTo(id);
                if (refs.isEmpty()) {
                    deleted.addAll(remove(id.toString(), false, true));
                } else {
                    for (ImageReference reference : refs) {
                        deleted.addAll(remove(reference.toString(), false, true));
                    }
                }
            } catch (EngineException conflict) {
                // in use after all: prune leaves it, as dockerd does
            }
        }
        return new PruneReport(deleted.isEmpty() ? null : deleted, Math.max(0, before - totalLayerSize()));
    }

    private long totalLayerSize() throws IOException {
        return service.layers().all().stream().mapToLong(Layer::size).sum();
    }

    private Conflict conflict(Digest id, int mask) {
        if ((mask & CHILD) != 0 && !service.images().children(id).isEmpty()) {
            return new Conflict(id, true, false, "image has dependent child images");
        }
        List<ImageUsage.ContainerUse> users = usage.containersUsing(id);
        if ((mask & RUNNING) != 0) {
            for (ImageUsage.ContainerUse user : users) {
                if (user.running()) {
                    return new Conflict(id, true, true, "image is being used by running container " + shortId(user.containerId()));
                }
            }
        }
        if ((mask & STOPPED) != 0) {
            for (ImageUsage.ContainerUse user : users) {
                if (!user.running()) {
                    return new Conflict(id, false, true, "image is being used by stopped container " + shortId(user.containerId()));
                }
            }
        }
        if ((mask & REFERENCED) != 0 && !service.references().referencesTo(id).isEmpty()) {
            return new Conflict(id, false, false, "image is referenced in multiple repositories");
        }
        return null;
    }

    private boolean isDangling(Digest id) {
        return service.references().referencesTo(id).isEmpty() && service.images().children(id).isEmpty();
    }

    /** Whether the user named the image by (a prefix of) its ID rather than by a reference. */
    static boolean isIdPrefix(Digest id, String name) {
        return id.toString().startsWith(name) || id.hex().startsWith(name);
    }

    /** One tag (digest references of the same repository aside): removing it by ID untags it too. */
    static boolean isSingleReference(List<ImageReference> refs) {
        if (refs.size() <= 1) {
            return refs.size() == 1;
        }
        ImageReference single = null;
        Set<String> names = new java.util.HashSet<>();
        for (ImageReference ref : refs) {
            if (ref.digest() != null) {
                names.add(ref.name());
            } else if (single == null) {
                names.add(ref.name());
                single = ref;
            } else {
                return false;
            }
        }
        if (single == null) {
            single = refs.getFirst();
        }
        return names.size() == 1 && names.contains(single.name());
    }

    private static String shortId(String containerId) {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }
}
