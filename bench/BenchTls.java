import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The benchmark's own certificate for coze-mock over HTTPS, made with `keytool`: the mock's key
 * store, the certificate as PEM (curl, Python), and a trust store of the JDK's CA certificates plus
 * this one for the JVM clients, so that loading trust costs what it costs against Coze.
 */
record BenchTls(Path keyStore, Path pem, Path trustStore) {
    static final String PASSWORD = "changeit";

    static BenchTls make(Path dir, Path javaHome) throws Exception {
        Path keytool = javaHome.resolve("bin/keytool"), keyStore = dir.resolve("mock.p12"), pem = dir.resolve("mock.pem"),
                trust = dir.resolve("trust.p12");
        run(List.of(keytool.toString(), "-genkeypair", "-alias", "coze-mock", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keyStore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD), null);
        run(List.of(keytool.toString(), "-exportcert", "-rfc", "-alias", "coze-mock", "-keystore", keyStore.toString(),
                "-storepass", PASSWORD), pem);
        Files.copy(javaHome.resolve("lib/security/cacerts"), trust, StandardCopyOption.REPLACE_EXISTING);
        trust.toFile().setWritable(true, true);
        run(List.of(keytool.toString(), "-importcert", "-noprompt", "-alias", "coze-mock", "-file", pem.toString(),
                "-keystore", trust.toString(), "-storepass", PASSWORD), null);
        return new BenchTls(keyStore, pem, trust);
    }

    /** JVM options that make a client trust the benchmark's certificate (never a switch in the product). */
    List<String> trustOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD);
    }

    private static void run(List<String> command, Path stdout) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
        if (pb.start().waitFor() != 0) throw new IllegalStateException("keytool failed: " + String.join(" ", command));
    }
}
