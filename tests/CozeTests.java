///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// Sources are UTF-8 whatever the locale (javac would read them as ASCII where LANG is unset);
// Ctrl-C handling uses sun.misc.Signal, which javac would warn about.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file
// The scripts' own JVM options come along with their sources; the runner hosts coze-mock and Jazzer.
//JAVA_OPTIONS -Xmx1g
//DEPS org.junit:junit-bom:5.14.4@pom
//DEPS org.junit.jupiter:junit-jupiter
//DEPS org.junit.platform:junit-platform-launcher
//DEPS org.seleniumhq.selenium:selenium-chrome-driver:4.52.0
//DEPS org.seleniumhq.selenium:selenium-support:4.52.0
//DEPS com.code-intelligence:jazzer-junit:0.30.0
//DEPS com.google.jimfs:jimfs:1.3.1
// McpTest's client: the official MCP Java SDK, the same version coze-mcp serves with.
//DEPS io.modelcontextprotocol.sdk:mcp:2.1.0
//SOURCES ../CozeLogin.java ../CozeChat.java ../CozeRefresh.java ../CozeWorkflow.java ../CozeKnowledge.java ../CozeAudio.java
//SOURCES ../CozeMcp.java ../CozeServe.java ../CozeMock.java ../CozeInstall.java
//SOURCES support/*.java unit/*.java e2e/*.java fuzz/*.java
//FILES FuzzingInputs/sseParser/=fuzz/FuzzingInputs/sseParser/*
//FILES FuzzingInputs/callbackQuery/=fuzz/FuzzingInputs/callbackQuery/*
//FILES FuzzingInputs/tokenFile/=fuzz/FuzzingInputs/tokenFile/*

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the project's tests, found in this jar: unit/ (one mechanism each), e2e/ (the real commands
 * against coze-mock), fuzz/. Arguments pick classes (`ChatTest`) or methods (`Fuzzing#tokenFile`);
 * none runs everything. One class at a time, by name, and those tagged `last` at the end:
 * Jazzer, once loaded, hooks network and process calls for its own checks, which the others make on purpose.
 */
public class CozeTests {
    public static void main(String... args) throws Exception {
        Launcher launcher = LauncherFactory.create();
        TestExecutionListener progress = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) return;
                String name = id.getUniqueId().replaceAll(".*\\[class:([^\\]]+)\\].*\\[(?:method|test-template):([^(\\]]+).*", "$1.$2");
                TestExecutionResult.Status status = result.getStatus();
                System.out.println((status == TestExecutionResult.Status.SUCCESSFUL ? "ok     "
                        : status == TestExecutionResult.Status.ABORTED ? "skip   " : "FAILED ") + name
                        // A parametrised test's invocation is named by its parameters (ChatTest's "wire faults: crlf").
                        + (id.getUniqueId().contains("-invocation:") ? " [" + id.getDisplayName() + "]" : ""));
                result.getThrowable().ifPresent(t -> {
                    if (status != TestExecutionResult.Status.SUCCESSFUL) System.out.println("       " + t.getMessage());
                });
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                if (id.isTest()) System.out.println("skip   " + id.getDisplayName() + ": " + reason);
            }
        };
        long passed = 0, failed = 0, skipped = 0, broken = 0;
        for (Class<?> c : testClasses(launcher)) {
            List<DiscoverySelector> selectors = new ArrayList<>();
            if (args.length == 0 || List.of(args).contains(c.getSimpleName())) selectors.add(selectClass(c));
            for (String a : args)
                for (java.lang.reflect.Method m : c.getDeclaredMethods())
                    if (a.equals(c.getSimpleName() + "#" + m.getName())) selectors.add(selectMethod(c, m));
            if (selectors.isEmpty()) continue;
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), summary, progress);
            TestExecutionSummary s = summary.getSummary();
            if (s.getTotalFailureCount() > 0) s.printFailuresTo(new PrintWriter(System.out), 15);
            passed += s.getTestsSucceededCount();
            failed += s.getTestsFailedCount();
            skipped += s.getTestsSkippedCount() + s.getTestsAbortedCount();
            broken += s.getContainersFailedCount();
        }
        System.out.println(passed + " passed, " + failed + " failed, " + skipped + " skipped");
        System.out.flush();
        System.exit(failed > 0 || broken > 0 || passed == 0 ? 1 : 0);
    }

    /** Every class with tests in the jar JBang built, by name, `last`-tagged ones at the end. */
    static List<Class<?>> testClasses(Launcher launcher) throws Exception {
        Path jar = Path.of(CozeTests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        TestPlan plan = launcher.discover(LauncherDiscoveryRequestBuilder.request().selectors(selectClasspathRoots(Set.of(jar))).build());
        List<Class<?>> classes = new ArrayList<>();
        for (TestIdentifier engine : plan.getRoots())
            for (TestIdentifier c : plan.getChildren(engine))
                if (c.getSource().orElse(null) instanceof ClassSource source) classes.add(source.getJavaClass());
        classes.sort(Comparator.comparing((Class<?> c) -> c.isAnnotationPresent(Tag.class) && c.getAnnotation(Tag.class).value().equals("last"))
                .thenComparing(Class::getSimpleName));
        return classes;
    }
}
