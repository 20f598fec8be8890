import java.lang.reflect.Field;
import java.nio.file.Path;
import mock.MockServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * "A coze-mock and a throw-away home" for every test of a class: before each test it fills the
 * test's `MockServer` field with a started mock (which accepts TestSupport.PAT) and its `Path home`
 * field, if it has one, with a new COZE_HOME; after the test it stops whatever mock the field then holds.
 */
final class MockHome implements BeforeEachCallback, AfterEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Object test = context.getRequiredTestInstance();
        for (Field f : test.getClass().getDeclaredFields()) {
            if (f.getType() == MockServer.class) set(f, test, TestSupport.mock());
            else if (f.getType() == Path.class && f.getName().equals("home")) set(f, test, TestSupport.tempHome());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Object test = context.getRequiredTestInstance();
        for (Field f : test.getClass().getDeclaredFields()) {
            if (f.getType() != MockServer.class) continue;
            f.setAccessible(true);
            if (f.get(test) instanceof MockServer mock) mock.stop();
        }
    }

    private static void set(Field f, Object test, Object value) throws IllegalAccessException {
        f.setAccessible(true);
        f.set(test, value);
    }
}
