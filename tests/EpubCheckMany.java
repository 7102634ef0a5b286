// epubcheck on many EPUBs in one JVM: its start-up and warm-up (most of a run's
// CPU time) are paid once instead of once per file. Run as a single-file source
// program: java -cp /usr/share/java/epubcheck.jar EpubCheckMany.java A.epub B.epub
//
// Each file goes through epubcheck's own command line (EpubChecker.run, the code
// behind `java -jar epubcheck.jar --quiet FILE`), so the verdict is the tool's.
// After a file's messages, stderr gets one line "@@basma <status> <path>": the
// messages before it belong to that file.
import com.adobe.epubcheck.tool.EpubChecker;

public class EpubCheckMany {
    public static void main(String[] args) {
        for (String path : args) {
            int status = new EpubChecker().run(new String[] {"--quiet", path});
            System.err.println("@@basma " + status + " " + path);
            System.err.flush();
        }
    }
}
