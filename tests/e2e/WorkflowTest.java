import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lib.core.Json;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * coze-workflow end to end against coze-mock's published workflows, as a shell script uses it.
 *
 * The cases that take a Dialect also run against coze-mock as a Coze Studio, whose workflow events
 * are named in lower case, whose question node sends its question only in `interrupt_data.data`,
 * and whose errors have no `detail`: the events of a run, an interrupt and its resumption, an error
 * event, an error answer, --json and --no-stream, Ctrl-C. The rest stay on the cloud: --param and
 * --input are read before any request, and the hostile servers are neither dialect.
 */
@ExtendWith(MockHome.class)
class WorkflowTest {
    MockServer mock;
    Path home;
    Dialect dialect = Dialect.CLOUD;

    TestSupport.Script workflow(String... args) {
        return dialect.signedIn(TestSupport.script(CozeWorkflow.class, home, args).api(mock));
    }

    /** This test talks to coze-mock in `d`'s dialect, logged in as its users are. */
    void speak(Dialect d) throws java.io.IOException {
        dialect = d;
        mock = d.serve(mock, home);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void messagesStreamInOrderAndDoneIsSuccess(Dialect d) throws Exception {
        speak(d);
        TestSupport.Result r = workflow("multi").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals("one\ntwo\nthree\n", r.out, "each node's message on its own line, PING ignored");
        assertTrue(r.err.contains("done; its trace: "), r.err);
        assertEquals(1, mock.count("workflow.run"));
    }

    @Test
    void parametersReachTheWorkflow() throws Exception {
        assertEquals("北京\n", workflow("echo", "--param", "input=北京").run().out);
        assertEquals("y\n", workflow("echo", "--input", "{\"input\":\"x\"}", "--param", "input=y").run().out, "--param wins over --input");
        assertEquals("from stdin\n", workflow("echo", "--input", "-").stdin("{\"input\":\"from stdin\"}").run().out);
        TestSupport.Result typed = workflow("echo", "--param", "n=3", "--param", "on=true", "--param", "city=北京").run();
        assertEquals("{\"n\":3,\"on\":true,\"city\":\"北京\"}\n", typed.out, "JSON values stay JSON, the rest is text");
        int runs = mock.count("workflow.run");
        TestSupport.Result bad = workflow("echo", "--param", "no-equals-sign").run();
        assertEquals(2, bad.exit, bad.toString());
        assertEquals(runs, mock.count("workflow.run"), "nothing was sent for the usage error");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void aQuestionNodeExitsSixAndResumeAnswersIt(Dialect d) throws Exception {
        speak(d);
        TestSupport.Result asked = workflow("question").run();
        assertEquals(6, asked.exit, asked.toString());
        assertEquals("Which city?\n", asked.out);
        Matcher hint = Pattern.compile("coze-workflow question --resume (\\d+) \"…\"").matcher(asked.err);
        assertTrue(hint.find(), "the hint says how to answer: " + asked.err);
        TestSupport.Result answered = workflow("question", "--resume", hint.group(1), "Beijing").run();
        assertEquals(0, answered.exit, answered.toString());
        assertEquals("Weather in Beijing: sunny\n", answered.out);
        TestSupport.Result again = workflow("question", "--resume", hint.group(1), "Paris").run();
        assertEquals(1, again.exit, "an interrupt is answered once: " + again);
        TestSupport.Result noAnswer = workflow("question", "--resume", hint.group(1)).run();
        assertEquals(2, noAnswer.exit, noAnswer.toString());
        int runs = mock.count("workflow.run");
        TestSupport.Result whole = workflow("question", "--resume", hint.group(1), "Oslo", "--no-stream").run();
        assertEquals(2, whole.exit, whole.toString());
        assertTrue(whole.err.contains("--no-stream starts a run; it cannot resume one"), whole.err);
        assertEquals(runs, mock.count("workflow.run"), "no new run was started in place of the answer");
    }

    /** An event id a hostile Coze chose is one quoted word of the suggested command: pasted into a shell, it runs nothing. */
    @Test
    void theResumeCommandQuotesTheEventId() throws Exception {
        String evil = "1; touch pwned | sh; echo ";
        try (HostileServer coze = HostileServer.start("text/event-stream", out -> out.write(("event:Interrupt\ndata:"
                + "{\"interrupt_data\":{\"event_id\":" + new JsonPrimitive(evil) + ",\"type\":2},\"node_title\":\"Question\"}\n\n")
                .getBytes(StandardCharsets.UTF_8)))) {
            TestSupport.Result r = TestSupport.script(CozeWorkflow.class, home, "7501").env("COZE_API_BASE", coze.baseUrl()).pat().run();
            assertEquals(6, r.exit, r.toString());
            Matcher hint = Pattern.compile("coze-workflow: the workflow is waiting for your answer: (coze-workflow .*)").matcher(r.err);
            assertTrue(hint.find(), r.err);
            assertEquals("coze-workflow 7501 --resume '1; touch pwned | sh; echo ' \"…\"", hint.group(1));
            // The line as a user pastes it, with a command that prints its arguments in place of coze-workflow.
            Files.createDirectories(home);
            Process sh = new ProcessBuilder("sh", "-c", hint.group(1).replaceFirst("^coze-workflow", "printf '[%s]'"))
                    .directory(home.toFile()).redirectErrorStream(true).start();
            assertEquals("[7501][--resume][" + evil + "][…]", new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, sh.waitFor());
            assertFalse(Files.exists(home.resolve("pwned")), "nothing of the event id ran");
        }
    }

    @Test
    void anInterruptWithoutAnEventIdIsAFailure() throws Exception {
        try (HostileServer coze = HostileServer.start("text/event-stream", out -> out.write(
                "event:Interrupt\ndata:{\"interrupt_data\":{\"type\":2}}\n\n".getBytes(StandardCharsets.UTF_8)))) {
            TestSupport.Result r = TestSupport.script(CozeWorkflow.class, home, "7501").env("COZE_API_BASE", coze.baseUrl()).pat().run();
            assertEquals(1, r.exit, r.toString());
            assertTrue(r.err.contains("coze-workflow: error: the workflow stopped at an interrupt Coze gave no event id for"), r.err);
            assertFalse(r.err.contains("--resume"), "no command to answer what cannot be answered: " + r.err);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void anErrorEventFailsWithItsCodeAndMessage(Dialect d) throws Exception {
        speak(d);
        TestSupport.Result r = workflow("fail").run();
        assertEquals(1, r.exit, r.toString());
        assertEquals("starting\n", r.out, "what came before the error is kept");
        assertTrue(r.err.contains("coze-workflow: error: the workflow failed: the code node raised an error (720701013)"), r.err);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void aWorkflowTheSiteCannotRunSaysWhy(Dialect d) throws Exception {
        speak(d);
        TestSupport.Result r = workflow("7501000000000000999").run();
        assertEquals(1, r.exit, r.toString());
        if (d == Dialect.CLOUD) assertTrue(r.err.contains("not published to the API channel") && r.err.contains("(4200"), r.err);
        else assertTrue(r.err.contains("workflow 7501000000000000999 not found, please check if the workflow exists") && r.err.contains("(720702004"), r.err);
        assertEquals("", r.out);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void jsonIsOneObjectPerEventAndNoStreamPrintsTheOutput(Dialect d) throws Exception {
        speak(d);
        TestSupport.Result r = workflow("multi", "--json").run();
        assertEquals(0, r.exit, r.toString());
        List<JsonObject> events = r.out.lines().map(Json::object).toList();
        assertEquals(List.of("Message", "PING", "Message", "Message", "Done"), events.stream().map(e -> Json.str(e, "event")).toList());
        assertEquals("two", Json.str(Json.obj(events.get(2), "data"), "content"));
        TestSupport.Result whole = workflow("echo", "--no-stream", "--param", "input=x").run();
        assertEquals(0, whole.exit, whole.toString());
        assertEquals("{\"output\":\"x\"}\n", whole.out, "the output is a JSON string in data, printed as it is");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void ctrlCStopsTheRunAndExits130(Dialect d) throws Exception {
        speak(d);
        mock.setFaults("drip=3000");
        TestSupport.Running run = workflow("multi").start();
        assertTrue(run.awaitOut("one\n"), run.err());
        new ProcessBuilder("kill", "-INT", String.valueOf(run.process.pid())).start().waitFor();
        TestSupport.Result r = run.finish();
        assertEquals(130, r.exit, r.toString());
        assertEquals("one\n", r.out, "what arrived is kept");
    }
}
