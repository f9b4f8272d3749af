package io.jmachine.engine.build;

import io.jmachine.engine.fs.CleanPath;

import io.jmachine.engine.fs.Root;
import io.jmachine.engine.image.Digest;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageConfig;
import io.jmachine.engine.image.ImageService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One build of a Dockerfile, stage after stage up to the target, step after step, each step's result looked
 * up in the layer cache first. Variables follow Docker's scoping: ARGs before the first FROM serve only FROM
 * lines (and stage ARGs that name them), a stage's ARGs count from their declaration on, ENV wins over ARG.
 */
final class DockerfileBuild {

    /** A stage in the making: the image so far (null until a step on scratch made one), its config, its ARGs. */
    private static final class StageState {
        Digest image;
        RunConfigBuilder config;
        final Map<String, String> args = new LinkedHashMap<>();
        boolean cmdSet;

        /** What substitution sees: the ARGs with a value, then ENV, which wins. */
        Map<String, String> variables() {
            Map<String, String> variables = new HashMap<>();
            args.forEach((k, v) -> {
                if (v != null) {
                    variables.put(k, v);
                }
            });
            variables.putAll(config.envMap());
            return variables;
        }
    }

    private final ImageService images;
    private final BaseImages bases;
    private final LayerCache cache;
    private final LayerSteps layers;
    private final RunStep runs;
    private final BuildContext context;
    private final Dockerfile dockerfile;
    private final BuildRequest request;
    private final BuildOutput output;
    private final Map<String, String> metaArgs = new LinkedHashMap<>();
    private final Set<String> consumedArgs = new HashSet<>();
    private final Map<String, Digest> stageResults = new HashMap<>();
    /** The --cache-from images; null when none were named (then the local cache serves alone). */
    private final CacheSources cacheSources;
    private int step;
    private int totalSteps;

    DockerfileBuild(ImageService images, BaseImages bases, LayerCache cache, LayerSteps layers, RunStep runs, BuildContext context,
                    Dockerfile dockerfile, BuildRequest request, BuildOutput output) {
        this.images = images;
        this.bases = bases;
        this.cache = cache;
        this.layers = layers;
        this.runs = runs;
        this.context = context;
        this.dockerfile = dockerfile;
        this.request = request;
        this.output = output;
        this.cacheSources = request.cacheFrom().isEmpty() ? null : CacheSources.of(images, request.cacheFrom());
    }

    /** Runs the build; returns the target stage's image. */
    Digest run() throws IOException {
        List<Dockerfile.Stage> stages = dockerfile.stagesUpTo(request.target());
        List<Instruction> labels = labelInstructions();
        totalSteps = dockerfile.metaArgs().size() + labels.size();
        for (Dockerfile.Stage stage : stages) {
            totalSteps += 1 + stage.instructions().size();
        }
        for (Instruction arg : dockerfile.metaArgs()) {
            announce(arg);
            declareArgs(arg, new Substitution(dockerfile.escape(), definedMetaArgs()), metaArgs, null);
        }
        Digest result = null;
        for (Dockerfile.Stage stage : stages) {
            boolean last = stage == stages.getLast();
            List<Instruction> instructions = new ArrayList<>(stage.instructions());
            if (last) {
                instructions.addAll(labels);
            }
            result = buildStage(stage, instructions);
            stageResults.put(String.valueOf(stage.index()), result);
            if (stage.name() != null) {
                stageResults.put(stage.name(), result);
            }
        }
        if (result == null) {
            throw new BuildException("No image was generated. Is your Dockerfile empty?");
        }
        Set<String> unused = new java.util.TreeSet<>(request.buildArgs().keySet());
        unused.removeAll(consumedArgs);
        if (!unused.isEmpty()) {
            output.stream("[Warning] One or more build-args " + unused.toString().replace(",", "") + " were not consumed\n");
        }
        return result;
    }

    private Digest buildStage(Dockerfile.Stage stage, List<Instruction> instructions) throws IOException {
        announce(stage.from());
        StageState state = from(stage.from());
        ImageConfig.RunConfig base = state.image == null ? ImageConfig.RunConfig.EMPTY : images.resolve(state.image.toString()).config().config();
        state.config = new RunConfigBuilder(base);
        if (!state.config.onBuild.isEmpty()) {
            List<String> triggers = List.copyOf(state.config.onBuild);
            state.config.onBuild.clear(); // triggers run once, in the first image built on the base
            output.stream("# Executing " + triggers.size() + " build trigger" + (triggers.size() == 1 ? "" : "s") + "\n");
            for (String trigger : triggers) {
                execute(DockerfileParser.parseInstruction(trigger, stage.from().line()), state);
            }
        }
        for (Instruction instruction : instructions) {
            announce(instruction);
            execute(instruction, state);
        }
        return state.image;
    }

    private StageState from(Instruction from) {
        String[] words = from.args().trim().split("\\s+");
        String name = new Substitution(dockerfile.escape(), definedMetaArgs()).word(words[0]);
        StageState state = new StageState();
        if (name.isEmpty()) {
            throw new BuildException("base name (" + words[0] + ") should not be blank");
        }
        Digest previous = stageResults.get(name.toLowerCase(Locale.ROOT));
        if (previous != null && !name.matches("[0-9]+")) {
            state.image = previous;
        } else if (!name.equals("scratch")) {
            state.image = bases.resolve(name, output).id();
        }
        if (state.image != null) {
            output.stream(" ---> " + state.image.shortHex() + "\n");
        }
        return state;
    }

    private void execute(Instruction instruction, StageState state) throws IOException {
        Substitution substitution = new Substitution(dockerfile.escape(), state.variables());
        switch (instruction.keyword()) {
            case "ARG" -> {
                String text = declareArgs(instruction, substitution, state.args, metaArgs);
                commitConfig(state, ConfigInstructions.nop("ARG " + text));
            }
            case "RUN" -> run(instruction, state);
            case "COPY", "ADD" -> copy(instruction, state, substitution);
            case "WORKDIR" -> workdir(instruction, state, substitution);
            default -> {
                if (!ConfigInstructions.handles(instruction.keyword())) {
                    throw new BuildException(instruction.keyword() + " cannot be used here (line " + instruction.line() + ")");
                }
                String createdBy = ConfigInstructions.apply(instruction, substitution, dockerfile.escape(), state.config, state.cmdSet);
                if (instruction.keyword().equals("CMD")) {
                    state.cmdSet = true;
                }
                commitConfig(state, createdBy);
            }
        }
    }

    /**
     * {@code ARG a[=default] b…}: each name gets its --build-arg, else its default, else (in a stage) the value
     * of the global ARG of that name. Returns the text for the history.
     */
    private String declareArgs(Instruction instruction, Substitution substitution, Map<String, String> scope, Map<String, String> globals) {
        List<String> declared = new ArrayList<>();
        for (String raw : ConfigInstructions.rawWords(instruction.args(), dockerfile.escape())) {
            int eq = raw.indexOf('=');
            String name = eq < 0 ? raw : raw.substring(0, eq);
            String value = eq < 0 ? null : substitution.word(raw.substring(eq + 1));
            if (value == null && globals != null) {
                value = globals.get(name);
            }
            if (request.buildArgs().containsKey(name)) {
                consumedArgs.add(name);
                if (request.buildArgs().get(name) != null) {
                    value = request.buildArgs().get(name);
                }
            }
            scope.put(name, value);
            declared.add(eq < 0 ? name : name + "=" + raw.substring(eq + 1));
        }
        return String.join(" ", declared);
    }

    private Map<String, String> definedMetaArgs() {
        Map<String, String> defined = new HashMap<>();
        metaArgs.forEach((k, v) -> {
            if (v != null) {
                defined.put(k, v);
            }
        });
        return defined;
    }

    private void run(Instruction instruction, StageState state) throws IOException {
        List<String> command = ConfigInstructions.command(instruction, state.config);
        // the build args in effect reach the command as variables, unless ENV set the same name
        Map<String, String> env = state.config.envMap();
        Map<String, String> args = new TreeMap<>();
        state.args.forEach((k, v) -> {
            if (v != null && !env.containsKey(k)) {
                args.put(k, v);
            }
        });
        List<String> argPairs = args.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        String createdBy = (argPairs.isEmpty() ? "" : "|" + argPairs.size() + " " + String.join(" ", argPairs) + " ")
                + String.join(" ", command);
        CacheKey key = CacheKey.of(state.image, "RUN " + command, argPairs);
        if (useCache(state, key, createdBy)) {
            return;
        }
        Digest parent = requireImage(state, instruction);
        List<String> containerEnv = new ArrayList<>(state.config.env);
        containerEnv.addAll(argPairs);
        Image image = runs.run(parent, command, containerEnv, state.config.build(), createdBy, output, request);
        stepDone(state, key, image.id());
    }

    private void copy(Instruction instruction, StageState state, Substitution substitution) throws IOException {
        List<String> words = instruction.isJsonForm()
                ? instruction.json().stream().map(substitution::word).toList() : substitution.words(instruction.args());
        if (words.size() < 2) {
            throw new BuildException(instruction.keyword() + " requires at least two arguments, but only one was provided. "
                    + "Destination could not be determined.");
        }
        List<String> sources = words.subList(0, words.size() - 1);
        String dest = absolute(words.getLast(), state.config.workingDir);
        String chown = instruction.flag("chown") == null ? "" : substitution.word(instruction.flag("chown"));
        String fromFlag = instruction.flag("from");
        boolean unpack = instruction.keyword().equals("ADD");
        String description = instruction.keyword() + (chown.isEmpty() ? "" : " --chown=" + chown) + " " + sources + " " + dest;
        if (fromFlag == null) {
            try (FileCopier copier = FileCopier.from(context.root(), instruction.keyword())) {
                List<FileCopier.Source> files = copier.expand(sources);
                CacheKey key = CacheKey.of(state.image, description, List.of(copier.checksum(files)));
                if (useCache(state, key, null)) {
                    return;
                }
                Image image = layers.commitFiles(state.image, state.config.build(), ConfigInstructions.nop(description), root -> {
                    copier.copy(files, dest, root, Ownership.parse(chown, root), unpack);
                    return null;
                });
                stepDone(state, key, image.id());
            }
            return;
        }
        String from = substitution.word(fromFlag);
        Digest source = stageResults.get(from.toLowerCase(Locale.ROOT));
        if (source == null) {
            source = bases.resolve(from, output).id();
        }
        // another image's files are fixed by its ID: no need to read them for the key
        CacheKey key = CacheKey.of(state.image, description + " --from=" + source, List.of());
        if (useCache(state, key, null)) {
            return;
        }
        Digest sourceImage = source;
        Image image = layers.read(sourceImage, sourceRoot -> {
            try (FileCopier copier = FileCopier.from(sourceRoot, instruction.keyword())) {
                List<FileCopier.Source> files = copier.expand(sources);
                return layers.commitFiles(state.image, state.config.build(), ConfigInstructions.nop(description), root -> {
                    copier.copy(files, dest, root, Ownership.parse(chown, root), false);
                    return null;
                });
            }
        });
        stepDone(state, key, image.id());
    }

    private void workdir(Instruction instruction, StageState state, Substitution substitution) throws IOException {
        String dir = substitution.word(instruction.args());
        String path = CleanPath.clean(absolute(dir, state.config.workingDir));
        state.config.workingDir = path;
        String createdBy = ConfigInstructions.nop("WORKDIR " + path);
        CacheKey key = CacheKey.of(state.image, createdBy, List.of());
        if (useCache(state, key, createdBy)) {
            return;
        }
        // Docker makes the folder so that later steps (and the container) can enter it
        Image image = layers.commitFiles(state.image, state.config.build(), createdBy, root -> {
            try (Root inRoot = Root.open(root)) {
                inRoot.makeFolders(path, (parent, name) -> { }).close();
            }
            return null;
        });
        stepDone(state, key, image.id());
    }

    private void commitConfig(StageState state, String createdBy) throws IOException {
        CacheKey key = CacheKey.of(state.image, createdBy, List.of());
        if (useCache(state, key, createdBy)) {
            return;
        }
        Image image = images.commitConfig(state.image, state.config.build(), createdBy);
        stepDone(state, key, image.id());
    }

    /**
     * On a hit the cached image (and its config) becomes the stage's state; " ---> Using cache" as Docker says. With
     * --cache-from, the sources decide, and serve steps by their {@code historyLine} (null: a step whose line does not
     * tell its content, COPY and ADD, which only the local cache serves).
     */
    private boolean useCache(StageState state, CacheKey key, String historyLine) throws IOException {
        if (request.noCache()) {
            return false;
        }
        var cached = cache.find(key);
        if (cacheSources != null) {
            cached = cached.filter(cacheSources::vouchesFor);
            if (cached.isEmpty() && historyLine != null) {
                cached = cacheSources.match(state.image, historyLine, state.config.build());
                cached.ifPresent(image -> cache.put(key, image));
            }
        }
        if (cached.isEmpty()) {
            return false;
        }
        output.stream(" ---> Using cache\n");
        output.stream(" ---> " + cached.get().shortHex() + "\n");
        state.image = cached.get();
        state.config = new RunConfigBuilder(images.resolve(cached.get().toString()).config().config());
        return true;
    }

    private void stepDone(StageState state, CacheKey key, Digest image) {
        cache.put(key, image);
        state.image = image;
        output.stream(" ---> " + image.shortHex() + "\n");
    }

    private Digest requireImage(StageState state, Instruction instruction) {
        if (state.image == null) {
            // RUN on scratch has no shell; Docker fails the same way, only later
            throw new BuildException(instruction.keyword() + " needs a file system to run in: this stage starts FROM scratch "
                    + "and has no files yet");
        }
        return state.image;
    }

    private void announce(Instruction instruction) {
        output.stream("Step " + (++step) + "/" + totalSteps + " : " + instruction.original() + "\n");
    }

    /** The --label values as one LABEL instruction at the end of the target stage, as the legacy builder adds them. */
    private List<Instruction> labelInstructions() {
        if (request.labels().isEmpty()) {
            return List.of();
        }
        StringBuilder text = new StringBuilder("LABEL");
        new TreeMap<>(request.labels()).forEach((k, v) -> text.append(' ').append(quote(k)).append('=').append(quote(v)));
        return List.of(DockerfileParser.parseInstruction(text.toString(), 0));
    }

    private String quote(String text) {
        if (text.matches("[A-Za-z0-9_.\\-/:]+")) {
            return text;
        }
        char escape = dockerfile.escape();
        return "\"" + text.replace(String.valueOf(escape), escape + "" + escape).replace("\"", escape + "\"").replace("$", escape + "$") + "\"";
    }

    /** A relative destination or WORKDIR is taken from the current working directory; a trailing '/' is kept. */
    static String absolute(String path, String workingDir) {
        if (path.startsWith("/")) {
            return path;
        }
        String base = workingDir == null || workingDir.isEmpty() ? "/" : workingDir;
        return (base.endsWith("/") ? base : base + "/") + path;
    }
}
