///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES lib/core/Folder.java lib/http/Folder.java lib/auth/Folder.java lib/audio/Folder.java
// Sources are UTF-8 whatever the locale (javac would read them as ASCII where LANG is unset);
// Ctrl-C handling uses sun.misc.Signal, which javac would warn about. String joins compile to
// StringBuilder calls: by default each shape spins a class at its first use, ~1 ms of start-up each.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file -XDstringConcat=inline
// A short-lived CLI, started as the other commands are (docs/PERFORMANCE.md).
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=128m -Xlog:disable -Xlog:all=error:stderr
//JAVA_OPTIONS --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED
//DESCRIPTION Coze voices from the shell: list them, turn text into speech (to a file or a pipe), and speech into text.

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lib.audio.Audio;
import lib.auth.Credentials;
import lib.core.CozeCli;
import lib.core.CozeException;
import lib.core.Input;
import lib.core.Json;
import lib.core.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "coze-audio", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        subcommands = {CozeAudio.Voices.class, CozeAudio.Speak.class, CozeAudio.Transcribe.class},
        description = "Coze's voices: list them, make speech from text, and text from speech.",
        footer = {"", "Examples:", "  coze-audio voices", "  coze-audio speak \"你好\" -o hello.mp3 --voice 7426...",
                "  echo 'Good morning' | coze-audio speak -o - --format wav | aplay", "  coze-audio transcribe meeting.ogg > meeting.txt", "",
                "Exit codes: 0 ok, 1 Coze refused, 2 usage, 3 rate limited, 4 login needed,",
                "5 network, 130 interrupted, 141 stdout was closed."})
public class CozeAudio implements Callable<Integer> {
    @Mixin
    CozeCli.Common common;

    public static void main(String... args) {
        CozeCli.main(new CozeAudio(), args);
    }

    @Override
    public Integer call() {
        common.spec.commandLine().usage(common.err());
        return 2;
    }

    abstract static class Sub implements Callable<Integer> {
        @Mixin
        CozeCli.Site site;

        @Mixin
        CozeCli.Common common;

        Audio audio() {
            Credentials creds = Credentials.of(common);
            return new Audio(creds.http(creds.apiBase(site.apiBase, common.insecureHttp)));
        }
    }

    @Command(name = "voices", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = "The voices you can speak with: ID, name, language (tab-separated), or one JSON object each with --json.")
    static class Voices extends Sub {
        @Option(names = "--json", description = "One JSON object per line, as Coze describes the voice.")
        boolean json;

        @Override
        public Integer call() {
            boolean terminal = Terminal.stdoutMayBe();
            for (JsonObject v : audio().voices()) {
                String line = json ? Json.line(v) : String.join("\t", List.of(Audio.fields(v)).stream().map(f -> f == null ? "" : f.replace('\t', ' ')).toList());
                common.out().println(terminal && !json ? Terminal.visible(line) : line);
            }
            common.out().flush();
            CozeException.ensureOpen(common.out());
            return 0;
        }
    }

    @Command(name = "speak", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = {"Turn text (the arguments, else stdin) into speech, at most 1024 bytes at once."})
    static class Speak extends Sub {
        @Parameters(arity = "0..*", paramLabel = "TEXT")
        List<String> words = new ArrayList<>();

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE|-", description = "Where the audio goes; - for stdout (a pipe).")
        String output;

        @Option(names = "--voice", paramLabel = "ID", description = "The voice (coze-audio voices); default: the first one Coze lists.")
        String voice;

        @Option(names = "--format", defaultValue = "mp3", paramLabel = "mp3|wav|ogg_opus|pcm", description = "The audio's encoding (default: ${DEFAULT-VALUE}).")
        Format format;

        enum Format { mp3, wav, ogg_opus, pcm }

        @Override
        public Integer call() throws IOException {
            String text = Input.message(words, words.isEmpty());
            if (text == null) throw new CozeException(CozeException.USAGE, "what should be said?", "coze-audio speak \"text\" -o out.mp3, or pipe it in");
            Audio audio = audio();
            String voiceId = voice != null ? voice : firstVoice(audio);
            if (output.equals("-")) {
                OutputStream out = System.out;
                audio.speak(text, voiceId, format.name(), out);
                out.flush();
                if (System.out.checkError()) throw new CozeException(CozeException.STDOUT_CLOSED, "stdout was closed");
                return 0;
            }
            // Written beside the target and moved over it once whole: a failure never leaves half a file.
            Path target = Path.of(output).toAbsolutePath();
            Path partial = Files.createTempFile(target.getParent(), ".coze-audio-", ".part");
            try {
                try (OutputStream out = Files.newOutputStream(partial)) {
                    audio.speak(text, voiceId, format.name(), out);
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            common.say("coze-audio: wrote " + Files.size(target) + " bytes to " + output);
            return 0;
        }

        private String firstVoice(Audio audio) {
            List<JsonObject> all = audio.voices();
            if (all.isEmpty()) throw new CozeException(CozeException.FAILED, "Coze lists no voice to speak with");
            common.say("coze-audio: speaking with " + Json.str(all.get(0), "name") + " (--voice " + Json.str(all.get(0), "voice_id") + ")");
            return Json.str(all.get(0), "voice_id");
        }
    }

    @Command(name = "transcribe", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = "The words spoken in an audio file (ogg, mp3 or wav, at most 10 MB), to stdout.")
    static class Transcribe extends Sub {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            String text = audio().transcribe(file);
            common.out().println(Terminal.stdoutMayBe() ? Terminal.visible(text) : text);
            common.out().flush();
            CozeException.ensureOpen(common.out());
            return 0;
        }
    }
}
