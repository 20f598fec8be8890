import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import lib.core.Json;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** coze-audio end to end against coze-mock's voices, speech and transcription. */
@ExtendWith(MockHome.class)
class AudioTest {
    /** The voice coze-mock lists first. */
    static final String VOICE = "7426720361733046281";
    MockServer mock;
    Path home;

    TestSupport.Script audio(String... args) {
        return TestSupport.script(CozeAudio.class, home, args).api(mock).pat();
    }

    @Test
    void voicesAreListed() throws Exception {
        TestSupport.Result r = audio("voices").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals(VOICE + "\tMock Female\t中文\n7426720361733046282\tMock Male\tEnglish\n", r.out);
        TestSupport.Result json = audio("voices", "--json").run();
        assertEquals("Mock Male", Json.str(Json.object(json.out.lines().toList().get(1)), "name"));
    }

    @Test
    void speechGoesToAFileAndTranscribingItGivesTheTextBack() throws Exception {
        Files.createDirectories(home);
        Path mp3 = home.resolve("hello.mp3");
        TestSupport.Result r = audio("speak", "你好，世界", "-o", mp3.toString(), "--voice", VOICE).run();
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.out, "the audio went to the file, not stdout");
        assertTrue(Files.readString(mp3, StandardCharsets.UTF_8).endsWith("你好，世界"), "the mock's audio carries the text");
        TestSupport.Result text = audio("transcribe", mp3.toString()).run();
        assertEquals(0, text.exit, text.toString());
        assertEquals("你好，世界\n", text.out);
        try (var files = Files.list(home)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no partial file left");
        }
    }

    @Test
    void stdinIsTheTextAndDashIsStdout() throws Exception {
        TestSupport.Result r = audio("speak", "-o", "-", "--format", "wav").stdin("from a pipe\n").run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.endsWith("from a pipe"), "the audio itself on stdout: " + r.out);
        assertTrue(r.err.contains("speaking with Mock Female (--voice " + VOICE + ")"), r.err);
    }

    @Test
    void refusalsAndUsageMistakesHaveTheirExitCodes() throws Exception {
        Files.createDirectories(home);
        Path out = home.resolve("x.mp3");
        TestSupport.Result badVoice = audio("speak", "hi", "-o", out.toString(), "--voice", "1").run();
        assertEquals(1, badVoice.exit, badVoice.toString());
        assertTrue(badVoice.err.contains("voice_id 1 does not exist"), badVoice.err);
        assertFalse(Files.exists(out), "a refused speech leaves no file");
        TestSupport.Result tooLong = audio("speak", "长".repeat(400), "-o", out.toString(), "--voice", VOICE).run();
        assertEquals(2, tooLong.exit, tooLong.toString());
        assertTrue(tooLong.err.contains("1200 bytes; Coze speaks at most 1024"), tooLong.err);
        assertEquals(0, mock.count("audio.speech"));
        Path notAudio = Files.writeString(home.resolve("notes.txt"), "x");
        TestSupport.Result wrongType = audio("transcribe", notAudio.toString()).run();
        assertEquals(1, wrongType.exit, wrongType.toString());
        assertTrue(wrongType.err.contains("ogg, mp3 or wav"), wrongType.err);
        TestSupport.Result missing = audio("transcribe", home.resolve("none.ogg").toString()).run();
        assertEquals(2, missing.exit, missing.toString());
    }
}
