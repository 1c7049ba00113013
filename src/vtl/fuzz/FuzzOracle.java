// Renders templates separated by "\n=====\n" with Apache Velocity 1.7; prints "[output]" or
// "[partial]ERR <exception>" per template, separated by "\n-----\n". A second argument makes null
// references print "" (API Gateway). Used by generate.mjs.
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.VelocityContext;
import java.io.*;
import java.nio.file.*;
import java.util.*;

public class FuzzOracle {
  public static class NullAsEmpty implements org.apache.velocity.app.event.ReferenceInsertionEventHandler {
    public Object referenceInsert(String reference, Object value) { return value == null ? "" : value; }
  }
  public static void main(String[] a) throws Exception {
    VelocityEngine ve = new VelocityEngine();
    ve.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
    if (a.length > 1) ve.setProperty("eventhandler.referenceinsertion.class", "FuzzOracle$NullAsEmpty");
    ve.init();
    String all = new String(Files.readAllBytes(Paths.get(a[0])), "UTF-8");
    String[] parts = all.split("\n=====\n", -1);
    for (String t : parts) {
      VelocityContext ctx = new VelocityContext();
      Map<String,Object> m = new LinkedHashMap<>(); m.put("a", 1); m.put("b", "x");
      ctx.put("map", m);
      ctx.put("list", new ArrayList<Object>(Arrays.asList(1, 2, 3)));
      ctx.put("str", "hello");
      ctx.put("n", 5);
      StringWriter w = new StringWriter();
      try { ve.evaluate(ctx, w, "t", t); System.out.print("[" + w.toString() + "]"); }
      catch (Throwable e) { System.out.print("[" + w.toString() + "]ERR " + e.getClass().getSimpleName() + ": " + e.getMessage()); }
      System.out.print("\n-----\n");
    }
  }
}
