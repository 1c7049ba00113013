// Differential oracle for restgate: renders cases with the real Apache Velocity 1.7,
// Jayway JsonPath and json-smart (Debian packages velocity, libjsonpath-java).
// Usage: java -cp <jars>:<classes> Oracle <cases.json> <results.json>
// Input:  {"json":[{name,text}], "jsonpath":[{name,document,path}], "vtl":[{name,template,input}]}
// Output: {"json":[...], "jsonpath":[...], "vtl":[...]} with one result per case, same order.
// API Gateway's $input/$util/$context/$stageVariables are provided the way
// docs/fidelity.md ("VTL engine" and "JSONPath and JSON values") describes.

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.spi.json.JsonProvider;
import net.minidev.json.JSONStyle;
import net.minidev.json.JSONValue;
import org.apache.commons.lang.StringEscapeUtils;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.app.event.ReferenceInsertionEventHandler;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class Oracle {
  static final JsonProvider PROVIDER = Configuration.defaultConfiguration().jsonProvider();
  static final Configuration CONF = Configuration.defaultConfiguration();

  /** API Gateway renders null / undefined references as the empty string. */
  public static class NullAsEmpty implements ReferenceInsertionEventHandler {
    public Object referenceInsert(String reference, Object value) {
      return value == null ? "" : value;
    }
  }

  /** Java value → tagged JSON-able structure, so the TS side can check Java types. */
  static Object typed(Object v) {
    List<Object> out = new ArrayList<>();
    if (v == null) { out.add("N"); return out; }
    if (v instanceof String) { out.add("S"); out.add(v); return out; }
    if (v instanceof Boolean) { out.add("B"); out.add(v); return out; }
    if (v instanceof Integer) { out.add("I"); out.add(v.toString()); return out; }
    if (v instanceof Long) { out.add("L"); out.add(v.toString()); return out; }
    if (v instanceof BigInteger) { out.add("BI"); out.add(v.toString()); return out; }
    if (v instanceof Double) { out.add("D"); out.add(v.toString()); return out; }
    if (v instanceof Float) { out.add("F"); out.add(v.toString()); return out; }
    if (v instanceof BigDecimal) { out.add("BD"); out.add(v.toString()); return out; }
    if (v instanceof List) {
      out.add("A");
      List<Object> items = new ArrayList<>();
      for (Object o : (List<?>) v) items.add(typed(o));
      out.add(items);
      return out;
    }
    if (v instanceof Map) {
      out.add("M");
      List<Object> entries = new ArrayList<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        List<Object> pair = new ArrayList<>();
        pair.add(String.valueOf(e.getKey()));
        pair.add(typed(e.getValue()));
        entries.add(pair);
      }
      out.add(entries);
      return out;
    }
    out.add("O"); out.add(v.getClass().getName()); out.add(v.toString());
    return out;
  }

  static String toJson(Object v) {
    return JSONValue.toJSONString(v, JSONStyle.LT_COMPRESS);
  }

  static Map<String, Object> errorResult(Throwable e) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("error", e.getClass().getSimpleName());
    r.put("message", String.valueOf(e.getMessage()));
    return r;
  }

  // ------------------------------------------------------------------ $input / $util

  public static class Input {
    private final String body;
    private final Map<String, Map<String, String>> params;
    private Object document;
    private boolean parsed;

    Input(String body, Map<String, Map<String, String>> params) {
      this.body = body;
      this.params = params;
    }

    public String getBody() { return body; }

    /** An empty (or blank) body reads as {} (docs/fidelity.md, JSONPath and JSON values). */
    private Object document() {
      if (!parsed) { document = PROVIDER.parse(body.trim().isEmpty() ? "{}" : body); parsed = true; }
      return document;
    }

    /** Missing definite path → null (rendered empty). */
    public Object path(String path) {
      try {
        return JsonPath.compile(path).read(document(), CONF);
      } catch (com.jayway.jsonpath.PathNotFoundException e) {
        return null;
      }
    }

    /** Missing definite path → empty string. */
    public String json(String path) {
      try {
        return toJson(JsonPath.compile(path).read(document(), CONF));
      } catch (com.jayway.jsonpath.PathNotFoundException e) {
        return "";
      }
    }

    public Map<String, Map<String, String>> params() { return params; }

    /** path → querystring → header (then header names case-insensitively); absent → empty string. */
    public String params(String name) {
      for (String loc : new String[] {"path", "querystring", "header"}) {
        Map<String, String> m = params.get(loc);
        if (m != null && m.containsKey(name)) return m.get(name);
      }
      for (Map.Entry<String, String> e : params.get("header").entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
      }
      return "";
    }
  }

  public static class Util {
    public String escapeJavaScript(String s) { return StringEscapeUtils.escapeJavaScript(s); }
    public Object parseJson(String s) { return PROVIDER.parse(s); }
    public String urlEncode(String s) throws Exception { return URLEncoder.encode(s, "UTF-8"); }
    public String urlDecode(String s) throws Exception { return URLDecoder.decode(s, "UTF-8"); }
    public String base64Encode(String s) {
      return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
    public String base64Decode(String s) {
      return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> stringMap(Object o) {
    Map<String, String> m = new LinkedHashMap<>();
    if (o instanceof Map) for (Map.Entry<String, Object> e : ((Map<String, Object>) o).entrySet()) m.put(e.getKey(), String.valueOf(e.getValue()));
    return m;
  }

  static VelocityEngine engine() throws Exception {
    VelocityEngine ve = new VelocityEngine();
    ve.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
    ve.setProperty("eventhandler.referenceinsertion.class", NullAsEmpty.class.getName());
    ve.setProperty("directive.foreach.maxloops", "1000");
    ve.setProperty("velocimacro.permissions.allow.inline.local.scope", "true");
    ve.init();
    return ve;
  }

  @SuppressWarnings("unchecked")
  static Object renderVtl(VelocityEngine ve, Map<String, Object> c) {
    Map<String, Object> input = (Map<String, Object>) c.get("input");
    Map<String, Object> p = (Map<String, Object>) input.get("params");
    Map<String, Map<String, String>> params = new LinkedHashMap<>();
    params.put("path", stringMap(p == null ? null : p.get("path")));
    params.put("querystring", stringMap(p == null ? null : p.get("querystring")));
    params.put("header", stringMap(p == null ? null : p.get("header")));
    VelocityContext ctx = new VelocityContext();
    ctx.put("input", new Input(String.valueOf(input.get("body")), params));
    ctx.put("util", new Util());
    Object context = input.get("context");
    ctx.put("context", context == null ? new LinkedHashMap<String, Object>() : context);
    ctx.put("stageVariables", stringMap(input.get("stageVariables")));
    StringWriter w = new StringWriter();
    try {
      ve.evaluate(ctx, w, String.valueOf(c.get("name")), String.valueOf(c.get("template")));
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("output", w.toString());
      return r;
    } catch (Throwable e) {
      return errorResult(e);
    }
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    String text = new String(Files.readAllBytes(Paths.get(args[0])), StandardCharsets.UTF_8);
    // Ordered maps, so that params / context / stage variables keep the order of the case.
    Map<String, Object> cases = (Map<String, Object>) new net.minidev.json.parser.JSONParser(
        net.minidev.json.parser.JSONParser.MODE_RFC4627).parse(text, JSONValue.defaultReader.DEFAULT_ORDERED);
    Map<String, Object> out = new LinkedHashMap<>();

    List<Object> jsonResults = new ArrayList<>();
    for (Object o : (List<Object>) cases.getOrDefault("json", new ArrayList<>())) {
      Map<String, Object> c = (Map<String, Object>) o;
      try {
        Object v = PROVIDER.parse((String) c.get("text"));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("value", typed(v));
        r.put("json", toJson(v));
        r.put("string", String.valueOf(v));
        jsonResults.add(r);
      } catch (Throwable e) {
        jsonResults.add(errorResult(e));
      }
    }
    out.put("json", jsonResults);

    List<Object> pathResults = new ArrayList<>();
    for (Object o : (List<Object>) cases.getOrDefault("jsonpath", new ArrayList<>())) {
      Map<String, Object> c = (Map<String, Object>) o;
      try {
        Object doc = PROVIDER.parse((String) c.get("document"));
        Object v = JsonPath.compile((String) c.get("path")).read(doc, CONF);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("value", typed(v));
        r.put("json", toJson(v));
        r.put("string", String.valueOf(v));
        pathResults.add(r);
      } catch (Throwable e) {
        pathResults.add(errorResult(e));
      }
    }
    out.put("jsonpath", pathResults);

    List<Object> doubleResults = new ArrayList<>();
    for (Object o : (List<Object>) cases.getOrDefault("doubles", new ArrayList<>())) {
      Map<String, Object> c = (Map<String, Object>) o;
      double d = Double.longBitsToDouble(Long.parseLong((String) c.get("bits")));
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("string", Double.toString(d));
      doubleResults.add(r);
    }
    out.put("doubles", doubleResults);

    List<Object> vtlResults = new ArrayList<>();
    List<Object> vtlCases = (List<Object>) cases.getOrDefault("vtl", new ArrayList<>());
    if (!vtlCases.isEmpty()) {
      VelocityEngine ve = engine();
      for (Object o : vtlCases) vtlResults.add(renderVtl(ve, (Map<String, Object>) o));
    }
    out.put("vtl", vtlResults);

    Files.write(Paths.get(args[1]), JSONValue.toJSONString(out, JSONStyle.NO_COMPRESS).getBytes(StandardCharsets.UTF_8));
  }
}
