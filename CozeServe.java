///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES lib/core/Folder.java lib/http/Folder.java lib/auth/Folder.java lib/discover/Folder.java lib/chat/Folder.java lib/serve/Folder.java
// Sources are UTF-8 whatever the locale (javac would read them as ASCII where LANG is unset);
// Ctrl-C handling uses sun.misc.Signal, which javac would warn about. String joins compile to
// StringBuilder calls: by default each shape spins a class at its first use, ~1 ms of start-up each.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file -XDstringConcat=inline
// A long-running server with many streams at once: C1 and Serial GC as the other commands, but a
// 128 MB heap by default (MaxRAM=256m), which an explicit -Xmx still overrides. The opened package
// lets QuickExit stop JDK 17's HttpClient selector at exit.
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=256m -Xlog:disable -Xlog:all=error:stderr
//JAVA_OPTIONS --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED
//DESCRIPTION Your Coze bots behind an OpenAI-compatible chat-completions endpoint, for Open WebUI, llm, aichat and the OpenAI SDKs.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import lib.auth.Credentials;
import lib.auth.PrivateFiles;
import lib.core.CozeCli;
import lib.core.CozeException;
import lib.core.Interrupts;
import lib.http.CozeHttp;
import lib.serve.OpenAiServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "coze-serve", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        description = {"Serve your Coze bots as OpenAI's chat-completions API, for tools that speak it",
                "(Open WebUI, llm, aichat, the OpenAI SDKs). A model is a bot, by id or by name.",
                "The base URL to give them goes to stderr, and so do Coze's failures."},
        footer = {"", "Examples:", "  coze-serve", "  coze-serve --port 9000",
                "  coze-serve --bind 0.0.0.0 --api-key-file ~/.config/coze-serve.key", "",
                "Then: OPENAI_BASE_URL=http://127.0.0.1:8787/v1 OPENAI_API_KEY=unused <your tool>", "",
                "Exit codes: 1 failed, 2 usage (a busy port; off loopback without a key),", "4 login needed, 130 stopped with Ctrl-C."})
public class CozeServe implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8787", paramLabel = "N", description = "The port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "The address to listen on (default: ${DEFAULT-VALUE}); any other than loopback needs --api-key-file.")
    String bind;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "A file holding the key clients must send (Authorization: Bearer KEY); without it, none is asked for.")
    Path apiKeyFile;

    @Option(names = "--user-id", defaultValue = "${env:COZE_USER_ID}", paramLabel = "ID",
            description = "The Coze user of requests that name no `user` (default: $$COZE_USER_ID, else the login's user).")
    String userIdOption;

    @Mixin
    CozeCli.Site site;

    @Mixin
    CozeCli.Streaming streaming;

    @Mixin
    CozeCli.Common common;

    public static void main(String... args) {
        CozeCli.main(new CozeServe(), args);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Credentials creds = Credentials.of(common);
        CozeHttp http = creds.http(creds.apiBase(site.apiBase, common.insecureHttp));
        String userId = userIdOption != null && !userIdOption.isBlank() ? userIdOption.strip() : creds.userId();
        OpenAiServer server = OpenAiServer.start(http, new OpenAiServer.Settings(userId, streaming.idleTimeout, streaming.stallTimeout),
                bind, port, apiKey(), line -> common.say("coze-serve: " + line));
        Interrupts.onCtrlC(() -> {
            common.say("coze-serve: stopping; the chats still streaming are cancelled");
            server.close();
            return false;
        });
        common.say("coze-serve: serving your bots at " + server.baseUrl() + " (Ctrl-C stops it)");
        server.await();
        return 0;
    }

    private String apiKey() throws IOException {
        if (apiKeyFile == null) return null;
        if (!Files.isRegularFile(apiKeyFile)) throw new CozeException(CozeException.USAGE, "no API key file at " + apiKeyFile);
        if (PrivateFiles.readableByOthers(apiKeyFile))
            common.warnSink().accept("coze-serve: warning: " + apiKeyFile + " can be read by other users; the key in it is a password (chmod 600)");
        String key;
        try {
            key = Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CozeException(CozeException.USAGE, apiKeyFile + " is not text", "put the key clients will send in it");
        }
        if (key.isEmpty()) throw new CozeException(CozeException.USAGE, apiKeyFile + " is empty", "put the key clients will send in it");
        return key;
    }
}
