package io.jmachine.drivers.kvm;

import io.jmachine.drivers.PreCreateCheckException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks the accelerator for {@code --kvm-accel auto|kvm|tcg} from what the host shows.
 *
 * @param cpuinfo the text of /proc/cpuinfo
 * @param devKvm  whether /dev/kvm exists
 */
public record AccelChoice(String cpuinfo, boolean devKvm) {

    public static AccelChoice ofThisHost() {
        String cpuinfo;
        try {
            cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            cpuinfo = "";
        }
        return new AccelChoice(cpuinfo, Files.exists(Path.of("/dev/kvm")));
    }

    /**
     * auto takes KVM only where the CPU shows vmx or svm, /dev/kvm exists, and the host is not itself a guest
     * (the {@code hypervisor} flag): nested KVM is where guests have been seen to hang at boot, and TCG is slow but
     * always boots. {@code --kvm-accel kvm} still forces KVM on a nested host.
     */
    public Accel choose(String requested) {
        return switch (requested.toLowerCase(Locale.ROOT)) {
            case "tcg" -> Accel.TCG;
            case "kvm" -> {
                if (!cpuFlags().contains("vmx") && !cpuFlags().contains("svm")) {
                    throw new PreCreateCheckException("--kvm-accel kvm: this CPU shows no vmx or svm flag in /proc/cpuinfo, so KVM "
                            + "cannot run here; use --kvm-accel tcg (slower, but works everywhere)");
                }
                if (!devKvm) {
                    throw new PreCreateCheckException("--kvm-accel kvm: /dev/kvm is missing; load the kvm_intel or kvm_amd module "
                            + "(modprobe kvm_intel), or use --kvm-accel tcg");
                }
                yield Accel.KVM;
            }
            case "auto" -> {
                Set<String> flags = cpuFlags();
                boolean virtualization = flags.contains("vmx") || flags.contains("svm");
                yield virtualization && devKvm && !flags.contains("hypervisor") ? Accel.KVM : Accel.TCG;
            }
            default -> throw new PreCreateCheckException("--kvm-accel " + requested + " is not one of auto, kvm, tcg");
        };
    }

    private Set<String> cpuFlags() {
        return cpuinfo.lines()
                .filter(line -> line.startsWith("flags"))
                .map(line -> line.substring(line.indexOf(':') + 1))
                .flatMap(flags -> Arrays.stream(flags.trim().split("\\s+")))
                .collect(Collectors.toSet());
    }
}
