package lib.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.function.Consumer;
import lib.core.CozeException;

/**
 * A service app's RSA private key as Coze hands it out: PKCS#8 PEM (`BEGIN PRIVATE KEY`). No message
 * ever quotes the key's text, only where it came from.
 */
final class ServiceAppKey {
    static final String CONVERT = "openssl pkcs8 -topk8 -nocrypt -in key.pem -out app.pem";
    /** Far above an RSA key's PEM (a 4096-bit one is ~3.3 KB); a larger file is not a key. */
    private static final int MAX_BYTES = 64 * 1024;
    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----", END = "-----END PRIVATE KEY-----";

    private ServiceAppKey() {}

    /** The key in `file`, with ssh's warning when others may read the file. */
    static PrivateKey read(Path file, Consumer<String> warn) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) throw new CozeException(CozeException.USAGE, file + " is too large to be a private key");
            bytes = Files.readAllBytes(file);
            if (PrivateFiles.readableByOthers(file) && warn != null)
                warn.accept("warning: the private key " + file + " can be read by others; make it yours alone (chmod 600 "
                        + file.getFileName() + ")");
        } catch (IOException e) {
            throw new CozeException(CozeException.AUTH, "cannot read the service app's private key " + file + " (" + e.getClass().getSimpleName()
                    + ")", "log in again with coze-login --jwt … --private-key FILE");
        }
        return parse(new String(bytes, StandardCharsets.US_ASCII), file.toString());
    }

    /** The key in PEM text; `where` names it in errors (a file, or an environment variable). */
    static PrivateKey parse(String pem, String where) {
        if (pem.contains("-----BEGIN RSA PRIVATE KEY-----"))
            throw new CozeException(CozeException.USAGE, where + " is a PKCS#1 key (BEGIN RSA PRIVATE KEY); Coze's keys are PKCS#8",
                    "convert it: " + CONVERT);
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
            throw new CozeException(CozeException.USAGE, where + " is an encrypted key", "decrypt it: " + CONVERT);
        int begin = pem.indexOf(BEGIN), end = pem.indexOf(END);
        if (begin < 0 || end < begin)
            throw new CozeException(CozeException.USAGE, where + " holds no PEM private key (BEGIN PRIVATE KEY)",
                    "use the private key file Coze gave when the public key was created");
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new CozeException(CozeException.USAGE, where + " is not an RSA private key in PKCS#8 PEM",
                    "use the private key file Coze gave when the public key was created");
        }
    }
}
