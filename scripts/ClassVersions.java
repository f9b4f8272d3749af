import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * java scripts/ClassVersions.java OUT_DIR JAR...: writes to OUT_DIR a copy of each JAR that holds classes older than
 * Java 6, those classes rewritten as Java 8 classes with stack maps; other jars are left out. The JDK's AOT cache skips
 * pre-Java-6 classes once linked ("Old class has been linked"): picocli's are built so, and loading, verifying and
 * linking its classes from the jar was a tenth of a second of every CLI start. The launcher runs this on JDK 25+ (the
 * class-file API) when it writes the start-up cache, and puts the copies on the class path in place of the originals.
 */
public final class ClassVersions {

    private static final int JAVA_6 = 50;
    private static final int JAVA_8 = 52;

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        for (int i = 1; i < args.length; i++) {
            Path jar = Path.of(args[i]);
            Map<String, byte[]> entries = read(jar);
            if (entries.entrySet().stream().anyMatch(e -> isOldClass(e.getKey(), e.getValue()))) {
                Path target = out.resolve(jar.getFileName());
                Path partial = out.resolve(jar.getFileName() + ".partial");
                write(partial, entries);
                Files.move(partial, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    private static boolean isOldClass(String name, byte[] bytes) {
        // the major version sits at bytes 6-7 of every class file
        return name.endsWith(".class") && !name.startsWith("META-INF/") && bytes.length > 8
                && ((bytes[6] & 0xff) << 8 | (bytes[7] & 0xff)) < JAVA_6;
    }

    private static Map<String, byte[]> read(Path jar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }

    private static void write(Path target, Map<String, byte[]> entries) throws IOException {
        // stack maps need the class hierarchy: the jar's own classes, then the JDK's
        ClassHierarchyResolver own = ClassHierarchyResolver.ofResourceParsing(type -> {
            String descriptor = type.descriptorString();
            byte[] bytes = entries.get(descriptor.substring(1, descriptor.length() - 1) + ".class");
            return bytes == null ? null : new ByteArrayInputStream(bytes);
        });
        ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                ClassFile.ClassHierarchyResolverOption.of(own.orElse(ClassHierarchyResolver.defaultResolver())));
        // rebuilding every method body is what makes the generator write its stack map
        ClassTransform toJava8 = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                .andThen(ClassTransform.dropping(element -> element instanceof ClassFileVersion))
                .andThen(ClassTransform.endHandler(builder -> builder.withVersion(JAVA_8, 0)));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(target))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                byte[] bytes = entry.getValue();
                if (isOldClass(entry.getKey(), bytes)) {
                    ClassModel model = classFile.parse(bytes);
                    bytes = classFile.transformClass(model, toJava8);
                }
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(bytes);
                zip.closeEntry();
            }
        }
    }
}
