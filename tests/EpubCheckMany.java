// epubcheck on many EPUBs in one JVM: its start-up and warm-up (most of a run's
// CPU time) are paid once for the whole test run instead of once per file. Run as a
// single-file source program:
//     java -cp /usr/share/java/epubcheck.jar EpubCheckMany.java
// It reads one EPUB path per line on stdin until stdin closes.
//
// Each file goes through epubcheck's own command line (EpubChecker.run, the code
// behind `java -jar epubcheck.jar --quiet FILE`), so the verdict is the tool's. All
// output goes to stderr, in order: a file's messages, then one line
// "@@basma <status> <path>" that closes them.
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public class EpubCheckMany {
    public static void main(String[] args) throws IOException {
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(
            new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String path;
        while ((path = in.readLine()) != null) {
            int status = new EpubChecker().run(new String[] {"--quiet", path});
            System.err.println("@@basma " + status + " " + path);
            System.err.flush();
        }
    }
}
