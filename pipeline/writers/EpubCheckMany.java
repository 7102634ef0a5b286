// epubcheck on every EPUB of a build in one JVM: epubcheck's start-up (loading and
// compiling its schemas, ~8 s of CPU) is most of what a check costs, and it is paid
// once for all the files instead of once per file. Run as a single-file source
// program (pipeline/writers/epubcheck.py):
//     java -cp /usr/share/java/epubcheck.jar EpubCheckMany.java < paths
// It reads one EPUB path per line on stdin until stdin closes. Each file goes through
// epubcheck's own command line (EpubChecker.run, the code behind
// `java -jar epubcheck.jar --quiet FILE`), so the verdict is the tool's. Everything
// goes to stderr, in order: a file's messages, then "@@basma <status> <path>".
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
