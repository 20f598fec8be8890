import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import lib.core.Json;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** coze-workflow --async and coze-workflow status against coze-mock's run histories, as a CI script uses them. */
@ExtendWith(MockHome.class)
class AsyncWorkflowTest {
    MockServer mock;
    Path home;

    TestSupport.Script workflow(String... args) {
        return TestSupport.script(CozeWorkflow.class, home, args).api(mock).pat();
    }

    /** Starts an asynchronous run and returns its execute id, the one line --async prints. */
    String start(String workflowId, String... more) throws Exception {
        String[] args = new String[more.length + 2];
        args[0] = workflowId;
        args[1] = "--async";
        System.arraycopy(more, 0, args, 2, more.length);
        TestSupport.Result r = workflow(args).run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.matches("\\d+\n"), "only the execute id on stdout: " + r);
        assertTrue(r.err.contains("coze-workflow status " + workflowId + " " + r.out.strip() + " --wait"), r.err);
        return r.out.strip();
    }

    @Test
    void asyncReturnsAtOnceAndStatusFollowsTheRunToItsOutput() throws Exception {
        String id = start("echo", "--param", "input=北京");
        assertEquals(1, mock.count("workflow.async"));
        assertEquals(0, mock.count("workflow.history"), "--async does not wait");
        TestSupport.Result running = workflow("status", "echo", id).run();
        assertEquals(0, running.exit, running.toString());
        assertEquals("", running.out, "no output while it runs");
        assertTrue(running.err.contains("Running; wait for it with: coze-workflow status echo " + id + " --wait"), running.err);
        TestSupport.Result done = workflow("status", "echo", id, "--wait").run();
        assertEquals(0, done.exit, done.toString());
        assertEquals("{\"output\":\"北京\"}\n", done.out, "the output as Coze keeps it");
        assertTrue(done.err.contains("done; its trace: "), done.err);
        assertEquals(3, mock.count("workflow.history"), "the mock says Running twice: polled until the run ended, not after");
    }

    @Test
    void aFailedRunExitsOneNamingTheNode() throws Exception {
        String id = start("fail");
        TestSupport.Result r = workflow("status", "fail", id, "--wait").run();
        assertEquals(1, r.exit, r.toString());
        assertEquals("", r.out);
        assertTrue(r.err.contains("coze-workflow: error: the workflow failed at node Code: the code node raised an error (720701013)"), r.err);
    }

    @Test
    void aQuestionExitsSixAndResumeAnswersIt() throws Exception {
        String id = start("question");
        TestSupport.Result r = workflow("status", "question", id, "--wait").run();
        assertEquals(6, r.exit, r.toString());
        java.util.regex.Matcher hint = java.util.regex.Pattern.compile("coze-workflow question --resume (\\d+) \"…\"").matcher(r.err);
        assertTrue(hint.find(), r.err);
        TestSupport.Result answered = workflow("question", "--resume", hint.group(1), "Paris").run();
        assertEquals(0, answered.exit, answered.toString());
        assertEquals("Weather in Paris: sunny\n", answered.out);
    }

    @Test
    void jsonIsCozesRecord() throws Exception {
        TestSupport.Result started = workflow("multi", "--async", "--json").run();
        assertEquals(0, started.exit, started.toString());
        JsonObject reply = Json.object(started.out);
        String id = Json.str(reply, "execute_id");
        assertNotNull(id, started.out);
        assertNotNull(Json.str(reply, "debug_url"), started.out);
        TestSupport.Result r = workflow("status", "multi", id, "--wait", "--json").run();
        assertEquals(0, r.exit, r.toString());
        JsonObject h = Json.object(r.out);
        assertEquals("Success", Json.str(h, "execute_status"));
        assertEquals(id, Json.str(h, "execute_id"));
        assertEquals("{\"output\":\"one two three\"}", Json.str(h, "output"));
    }

    @Test
    void anUnknownRunOrAMissingIdSaysSo() throws Exception {
        TestSupport.Result unknown = workflow("status", "echo", "123").run();
        assertEquals(1, unknown.exit, unknown.toString());
        assertTrue(unknown.err.contains("no run 123 of workflow echo"), unknown.err);
        TestSupport.Result missing = workflow("status", "echo").run();
        assertEquals(2, missing.exit, missing.toString());
        TestSupport.Result resumeAsync = workflow("question", "--async", "--resume", "1", "x").run();
        assertEquals(2, resumeAsync.exit, resumeAsync.toString());
    }

    @Test
    void networkTroubleWhileWaitingExitsFive() throws Exception {
        String id = start("echo", "--param", "input=x");
        mock.stop();
        TestSupport.Result r = workflow("status", "echo", id, "--wait").run();
        assertEquals(5, r.exit, r.toString());
    }

    @Test
    void waitingLongerThanTheTimeoutExitsFive() throws Exception {
        String id = start("echo", "--param", "input=x");
        TestSupport.Result r = workflow("status", "echo", id, "--wait", "--idle-timeout", "1s").run();
        assertEquals(5, r.exit, r.toString());
        assertTrue(r.err.contains("the run is still going after 1 s"), r.err);
    }

    @Test
    void ctrlCStopsWaitingAndSaysHowToAskAgain() throws Exception {
        String id = start("echo", "--param", "input=x");
        TestSupport.Running run = workflow("status", "echo", id, "--wait", "--idle-timeout", "1h").start();
        long until = System.nanoTime() + 20_000_000_000L;
        while (mock.count("workflow.history") < 1 && System.nanoTime() < until) Thread.sleep(20);
        new ProcessBuilder("kill", "-INT", String.valueOf(run.process.pid())).start().waitFor();
        TestSupport.Result r = run.finish();
        assertEquals(130, r.exit, r.toString());
        assertTrue(r.err.contains("stopped waiting; the run goes on: coze-workflow status echo " + id), r.err);
    }
}
