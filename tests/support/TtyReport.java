import java.util.Map;
import lib.core.Terminal;
import lib.repl.NativeTty;

/** A child process for TerminalTest: what coze-chat decides for stdin, stdout and stderr on a system without /proc. */
public class TtyReport {
    public static void main(String... args) {
        NativeTty isatty = new NativeTty();
        StringBuilder report = new StringBuilder();
        for (int fd = 0; fd <= 2; fd++)
            report.append(fd).append('=').append(Terminal.ask(fd, Terminal.probes(f -> null, isatty, Map.of()))).append(' ');
        System.out.println(report.toString().strip());
    }
}
