import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.*;
import java.time.LocalDate;
import java.util.*;
import java.util.regex.*;
import org.finetune4j.task.DateHints;

/** Probe (tools/probes/README.md): copies a task dir, adding DateHints.LABEL + D where DateHints.find resolves a
 *  date in the user's message (longest span of up to 6 words through RelativeDates); prints agreement with gold. */
public class DateHintTask {
    static final Pattern REF = Pattern.compile("reference date: (\\d{4}-\\d{2}-\\d{2})");

    public static void main(String[] a) throws Exception {
        Path src = Path.of(a[0]), out = Path.of(a[1]);
        Files.createDirectories(out);
        ObjectMapper om = new ObjectMapper();
        for (Path p : Files.list(src).toList()) {
            if (Files.isDirectory(p)) continue;
            if (!p.toString().endsWith(".jsonl")) { Files.copy(p, out.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING); continue; }
            int n = 0, gold = 0, hinted = 0, right = 0, falsePos = 0;
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(p)) {
                ObjectNode o = (ObjectNode) om.readTree(line);
                JsonNode msgs = o.get("messages");
                ObjectNode sys = (ObjectNode) msgs.get(0);
                Matcher m = REF.matcher(sys.get("content").asText());
                String user = msgs.get(1).get("content").asText();
                JsonNode ans = om.readTree(msgs.get(msgs.size() - 1).get("content").asText());
                String g = ans.get("date").isNull() ? null : ans.get("date").asText();
                n++; if (g != null) gold++;
                if (m.find()) {
                    Optional<LocalDate> d = DateHints.find(user, LocalDate.parse(m.group(1)));
                    if (d.isPresent()) {
                        hinted++;
                        if (d.get().toString().equals(g)) right++; else if (g == null) falsePos++;
                        sys.put("content", sys.get("content").asText() + "\n" + DateHints.LABEL + d.get());
                    }
                }
                lines.add(om.writeValueAsString(o));
            }
            Files.write(out.resolve(p.getFileName()), lines);
            System.out.printf("%s: %d conv, %d gold dates, %d hinted, %d right, %d hinted without gold%n",
                    p.getFileName(), n, gold, hinted, right, falsePos);
        }
    }
}
