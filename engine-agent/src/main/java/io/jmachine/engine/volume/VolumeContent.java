package io.jmachine.engine.volume;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.fs.Root;
import io.jmachine.engine.fs.Stat;
import io.jmachine.engine.fs.TreeCopy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Docker's copy-up: an empty volume mounted where the image has a folder gets that folder's content first
 * (owners, modes, times, symlinks, hard links and device nodes kept), and the volume's root takes the
 * folder's owner and mode. A volume that holds anything is left alone, so data is never overwritten. The
 * image's folder is found inside the container's root: a link there to a host folder leads nowhere outside.
 */
public final class VolumeContent {

    private VolumeContent() {
    }

    /**
     * Fills {@code volume} from the folder {@code destination} of {@code rootfs} when the volume is empty and the
     * image has a folder there (links followed inside the root, as the container will see it).
     *
     * @return whether it copied
     */
    public static boolean populate(Root rootfs, String destination, Path volume) throws IOException {
        Folder imageFolder;
        try {
            imageFolder = rootfs.folder(destination);
        } catch (FileSystemException missingOrNotAFolder) {
            return false;
        }
        try (imageFolder; Folder target = Folder.open(volume)) {
            if (!target.isEmpty()) {
                return false;
            }
            new TreeCopy(null).contents(imageFolder, target);
            Stat root = imageFolder.stat();
            target.chown("", root.uid(), root.gid());
            // chown clears set-id bits, so the mode goes last
            target.chmod("", root.permissions());
            return true;
        }
    }
}
