///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES lib/core/Folder.java lib/install/Folder.java
// The launcher and the catalog travel inside the jar: installing from a catalog URL leaves no clone to copy them from.
//FILES jbang jbang-catalog.json
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file -XDstringConcat=inline
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=128m -Xlog:disable -Xlog:all=error:stderr
//DESCRIPTION Install the coze-jbang commands into a folder on PATH, each starting in one JVM.

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lib.core.CozeCli;
import lib.core.CozeException;
import lib.core.Os;
import lib.install.Installer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "coze-install", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        description = {"Install the coze-jbang commands (coze-chat, coze-login, …) as commands of their own, in ~/.jbang/bin by default.",
                "Each starts its JVM directly and goes through JBang only when something changed: the script or a source,",
                "the catalog, the dependencies or the JDK. From a clone they run the clone's scripts; with --catalog, the catalog's."},
        footer = {"", "Examples:", "  ./jbang coze-install                      from a clone: every command",
                "  ./jbang coze-install coze-chat coze-login  only these", "  jbang coze-install@org --catalog org      from the published catalog",
                "  ./jbang coze-install --dir ~/bin", "", "Exit codes: 0 ok, 1 a command could not be built, 2 usage."})
public class CozeInstall implements Callable<Integer> {
    @Mixin
    CozeCli.Common common;

    @Option(names = "--dir", paramLabel = "FOLDER", description = "Where to put the commands (default: $JBANG_DIR/bin, that is ~/.jbang/bin).")
    Path dir;

    @Option(names = "--catalog", paramLabel = "NAME", description = "Install the commands of this catalog (coze-chat@NAME) rather than a clone's.")
    String catalog;

    @Option(names = "--no-warm", description = "Do not run each command once now (JBang then builds it on its first use).")
    boolean noWarm;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The commands to install (default: all).")
    List<String> only = List.of();

    public static void main(String... args) {
        CozeCli.main(new CozeInstall(), args);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path jbangDir = jbangDir();
        Path bin = dir != null ? dir.toAbsolutePath() : jbangDir.resolve("bin");
        Path clone = catalog == null ? cloneAround(Path.of("").toAbsolutePath()) : null;
        if (catalog == null && clone == null) {
            throw new CozeException(CozeException.USAGE, "not in a clone of coze-jbang", "run it in the clone, or name the catalog: --catalog org");
        }
        Path launcher = clone != null ? clone.resolve("jbang") : copyLauncher(bin);
        List<Installer.Command> commands = clone != null ? Installer.ofClone(clone) : Installer.ofCatalog(resource("jbang-catalog.json"), catalog);
        List<String> unknown = only.stream().filter(n -> commands.stream().noneMatch(c -> c.name().equals(n))).toList();
        if (!unknown.isEmpty()) throw new CozeException(CozeException.USAGE, "no command named " + unknown.get(0), "see coze-install --help");
        Installer installer = new Installer(bin, launcher, Os.current());
        List<Installer.Command> warmed = new ArrayList<>();
        int failed = 0;
        for (Installer.Command command : commands) {
            if (!only.isEmpty() && !only.contains(command.name())) continue;
            Path installed = installer.install(command);
            if (!noWarm) common.say("coze-install: getting " + command.name() + " ready (JBang builds it once)…");
            String problem = noWarm ? null : installer.warm(installed);
            if (problem == null) common.out().println(installed);
            else {
                failed++;
                common.err().println("coze-install: " + command.name() + " was installed but does not start yet: " + problem.lines().reduce((a, b) -> b).orElse(""));
            }
            if (!noWarm && problem == null) warmed.add(command);
        }
        common.out().flush();
        installer.awaitClassData(warmed, jbangDir, Duration.ofMinutes(1));
        if (!onPath(bin)) {
            common.say("coze-install: " + bin + " is not on PATH; add it in ~/.profile (~/.bashrc is read by interactive shells only), or call the commands by their full path");
        }
        return failed == 0 ? 0 : 1;
    }

    /** The clone this runs in: the folder (or a parent) holding the catalog, the launcher and this script. */
    private static Path cloneAround(Path dir) {
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("jbang-catalog.json")) && Files.isRegularFile(d.resolve("jbang")) && Files.isRegularFile(d.resolve("CozeInstall.java"))) return d;
        }
        return null;
    }

    /** Without a clone the commands run a copy of the launcher kept beside them. */
    private static Path copyLauncher(Path bin) throws IOException {
        Files.createDirectories(bin);
        Path launcher = bin.resolve("coze-jbang");
        Files.writeString(launcher, resource("jbang"), StandardCharsets.UTF_8);
        if (!launcher.toFile().setExecutable(true, true)) throw new IOException("cannot make " + launcher + " executable");
        return launcher;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = CozeInstall.class.getResourceAsStream("/" + name)) {
            if (in == null) throw new IOException(name + " is missing from coze-install's jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** JBang's folder as the launcher finds it: JBANG_DIR, else ~/.jbang of the HOME the shell has. */
    private static Path jbangDir() {
        String dir = System.getenv("JBANG_DIR"), home = System.getenv("HOME");
        if (dir != null && !dir.isEmpty()) return Path.of(dir);
        return Path.of(home != null && !home.isEmpty() ? home : System.getProperty("user.home"), ".jbang");
    }

    private static boolean onPath(Path bin) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && Path.of(entry).toAbsolutePath().normalize().equals(bin.normalize())) return true;
        }
        return false;
    }
}
