package cruddur.ddb;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * The order test classes start in (junit-platform.properties): the slowest first, as measured on a clean clone (the
 * surefire reports), so that the classes running concurrently end close together rather than one long class starting
 * last and running alone. Then every other class, by name. The order decides no result: only when each class starts.
 */
public final class SlowestFirst implements ClassOrderer {
    /** The slowest classes, slowest first (seconds alone, clean clone, 2 cores). */
    static final List<String> SLOWEST = List.of("BenchmarkTest", "SeedTest", "InstalledNamesTest", "EcosystemTest",
            "FreshCloneTest", "RemoteCatalogTest", "DemoTest", "ExportImportTest", "MessagingTest", "LauncherHomeTest",
            "LauncherTest", "SafetyTest", "ExplainTest", "GuardTest", "S3ExportImportTest", "MacLikePathTest");

    static int rank(String simpleName) {
        int i = SLOWEST.indexOf(simpleName);
        return i < 0 ? SLOWEST.size() : i;
    }

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.<org.junit.jupiter.api.ClassDescriptor>comparingInt(
                d -> rank(d.getTestClass().getSimpleName())).thenComparing(d -> d.getTestClass().getName()));
    }
}
