package lib.install;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lib.core.FastLaunch;
import lib.core.Os;

/**
 * Puts a small script per command into a folder on PATH. On Linux and macOS it runs the project's
 * launcher with the command's script (from a clone) or its catalog alias, both by absolute path, so
 * it works from cron, ssh and `bash -c` too; the launcher starts the command's JVM directly whenever
 * nothing changed (FastLaunch). On Windows the script runs JBang, as `jbang app install` would.
 */
public record Installer(Path bin, Path launcher, Os os) {
    /** A command to install: its name, and what the launcher is given to run it. */
    public record Command(String name, String ref) {}

    /** The commands a catalog offers, but the installer itself: each alias with its script-ref. */
    public static Map<String, String> aliasesOf(String catalogJson) {
        JsonObject aliases = JsonParser.parseString(catalogJson).getAsJsonObject().getAsJsonObject("aliases");
        Map<String, String> found = new java.util.LinkedHashMap<>();
        for (String name : aliases.keySet()) {
            if (!name.equals("coze-install")) found.put(name, aliases.getAsJsonObject(name).get("script-ref").getAsString());
        }
        return found;
    }

    /** The commands of a clone: each alias's script by its absolute path. */
    public static List<Command> ofClone(Path root) throws IOException {
        List<Command> commands = new ArrayList<>();
        Path real = root.toRealPath();
        aliasesOf(Files.readString(real.resolve("jbang-catalog.json"), StandardCharsets.UTF_8))
                .forEach((name, script) -> commands.add(new Command(name, real.resolve(script).normalize().toString())));
        return commands;
    }

    /** The commands of a catalog JBang knows by name (`coze-chat@org`). */
    public static List<Command> ofCatalog(String catalogJson, String catalog) {
        List<Command> commands = new ArrayList<>();
        aliasesOf(catalogJson).keySet().forEach(name -> commands.add(new Command(name, name + "@" + catalog)));
        return commands;
    }

    /** Writes the command's script; returns its path. */
    public Path install(Command command) throws IOException {
        Files.createDirectories(bin);
        Path file = bin.resolve(os.windows() ? command.name() + ".cmd" : command.name());
        Files.writeString(file, os.windows() ? windowsScript(command) : posixScript(command), StandardCharsets.UTF_8);
        if (!os.windows() && !file.toFile().setExecutable(true, true)) throw new IOException("cannot make " + file + " executable");
        return file;
    }

    String posixScript(Command command) {
        Os posix = new Os("Linux", Map.of());
        return "#!/bin/sh\n"
                + "# " + command.name() + ", installed by coze-install: starts the command's JVM directly when nothing changed.\n"
                + "exec " + posix.shellWord(launcher.toString()) + " " + posix.shellWord(command.ref()) + " \"$@\"\n";
    }

    String windowsScript(Command command) {
        return "@echo off\r\n"
                + "rem " + command.name() + ", installed by coze-install; it runs JBang (the one-JVM start needs a POSIX shell).\r\n"
                + "jbang \"" + command.ref() + "\" %*\r\n";
    }

    /**
     * Runs an installed command once (`--version`), so that JBang builds it and it records its line;
     * its class data is then trained in the background. Returns what JBang said when it failed.
     */
    public String warm(Path installed) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(installed.toString(), "--version").redirectOutput(ProcessBuilder.Redirect.DISCARD);
        FastLaunch.withoutLaunchVariables(pb);
        Process p = pb.start();
        byte[] said = p.getErrorStream().readAllBytes();
        return p.waitFor() == 0 ? null : new String(said, StandardCharsets.UTF_8).strip();
    }

    /** Waits, `limit` in all, until the commands' class data is trained (not on Windows, whose commands run JBang). */
    public void awaitClassData(List<Command> commands, Path jbangDir, Duration limit) throws IOException, InterruptedException {
        if (os.windows()) return;
        List<Path> records = new ArrayList<>();
        for (Command command : commands) records.add(recordOf(jbangDir, command));
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until && !records.stream().allMatch(FastLaunch::hasClassData)) TimeUnit.MILLISECONDS.sleep(200);
    }

    /** Where the launcher keeps a command's line, named as the launcher names it: the script's real folder (`pwd -P`) and its name, or the alias. */
    static Path recordOf(Path jbangDir, Command command) throws IOException {
        if (command.ref().contains("@")) return FastLaunch.recordFolder(jbangDir, "remote\t" + command.ref());
        Path script = Path.of(command.ref()).toAbsolutePath();
        return FastLaunch.recordFolder(jbangDir, "file\t" + script.getParent().toRealPath().resolve(script.getFileName()));
    }
}
