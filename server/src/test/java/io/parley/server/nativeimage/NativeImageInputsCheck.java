package io.parley.server.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the native build's inputs that {@code quarkus.native.sources-only=true} writes to {@code
 * target/native-sources} (the server pom's {@code native-sources} execution, run in {@code
 * package}), without GraalVM: what a native image would be missing or would capture at build time.
 * Runs in the failsafe {@code integration-test} phase, after that execution.
 *
 * <p>Quarkus 3.34.2 writes these inputs without calling {@code native-image} (no {@code
 * native-image --version} probe, no container fallback), so no stand-in for it is needed here.
 */
class NativeImageInputsCheck {
  private static final Path SOURCES =
      Path.of(System.getProperty("native.sources", "target/native-sources"));
  private static final Path CLASSES = Path.of("target/classes");

  /** Names of array fields that hold secrets: such an array must not be drawn at build time. */
  private static final Pattern SECRET_NAME = Pattern.compile("(?i)secret|key|seed|nonce|token");

  private static JsonNode resourceConfig;
  private static JsonNode reflectConfig;
  private static Set<String> namedByFeature;

  @BeforeAll
  static void readInputs() throws IOException {
    Path runner;
    try (Stream<Path> files = Files.list(SOURCES)) {
      runner =
          files
              .filter(file -> file.getFileName().toString().endsWith("-runner.jar"))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("no runner jar in " + SOURCES.toAbsolutePath()));
    }
    ObjectMapper json = new ObjectMapper();
    try (ZipFile jar = new ZipFile(runner.toFile())) {
      resourceConfig =
          json.readTree(
              jar.getInputStream(jar.getEntry("META-INF/native-image/resource-config.json")));
      reflectConfig =
          json.readTree(
              jar.getInputStream(jar.getEntry("META-INF/native-image/reflect-config.json")));
      try (InputStream feature =
          jar.getInputStream(jar.getEntry("io/quarkus/runner/Feature.class"))) {
        namedByFeature = utf8Constants(feature);
      }
    }
  }

  /** Every resource the server reads from the classpath at run time is in the image. */
  @Test
  void everyResourceReadAtRunTimeIsIncluded() throws IOException {
    List<Pattern> includes = new ArrayList<>();
    resourceConfig
        .path("resources")
        .path("includes")
        .forEach(include -> includes.add(Pattern.compile(include.path("pattern").asText())));
    List<String> required = new ArrayList<>();
    // ServedClient's bundle, the dashboard (DashboardFiles) and OutboxTable's migration: every
    // file under these folders.
    for (String folder : List.of("parley/socket.io-client", "parley/admin", "db/parley")) {
      try (Stream<Path> files = Files.walk(CLASSES.resolve(folder))) {
        files
            .filter(Files::isRegularFile)
            .forEach(file -> required.add(CLASSES.relativize(file).toString().replace('\\', '/')));
      }
    }
    assertThat(required)
        .contains(
            "db/parley/outbox.sql",
            "parley/socket.io-client/socket.io.min.js",
            "parley/admin/index.html",
            "parley/admin/assets/uplot/uPlot.iife.min.js");
    assertThat(required)
        .allSatisfy(
            resource ->
                assertThat(includes)
                    .as("a resource-config.json pattern for %s", resource)
                    .anyMatch(pattern -> pattern.matcher(resource).matches()));
  }

  /** The configuration Quarkus binds by reflection is registered, every group of it. */
  @Test
  void everyConfigurationGroupIsRegisteredForReflection() throws IOException {
    Set<String> registered = new HashSet<>();
    reflectConfig.forEach(entry -> registered.add(entry.path("name").asText()));
    List<String> groups = new ArrayList<>();
    try (Stream<Path> files = Files.list(CLASSES.resolve("io/parley/server/config"))) {
      files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.startsWith("RealtimeConfig") && name.endsWith(".class"))
          .map(name -> "io.parley.server.config." + name.substring(0, name.length() - 6))
          .filter(name -> isInterface(name))
          .forEach(groups::add);
    }
    assertThat(groups).contains("io.parley.server.config.RealtimeConfig");
    assertThat(groups).allSatisfy(group -> assertThat(registered).contains(group + "$$CMImpl"));
  }

  /**
   * No class of the server holds, in a static field, state that must be made at run time (a random
   * generator, a key, a thread, an executor): Quarkus initializes classes at build time, so such a
   * value would be frozen into the image and shared by every process started from it. A class that
   * needs one must be initialized at run time, which the generated {@code Feature} would name.
   */
  @Test
  void noClassCapturesRunTimeStateAtBuildTime() throws Exception {
    List<String> classes;
    try (Stream<Path> files = Files.walk(CLASSES.resolve("io/parley"))) {
      classes =
          files
              .map(file -> CLASSES.relativize(file).toString().replace('\\', '/'))
              .filter(name -> name.endsWith(".class") && !name.endsWith("package-info.class"))
              .map(name -> name.substring(0, name.length() - 6).replace('/', '.'))
              .toList();
    }
    assertThat(classes).hasSizeGreaterThan(50);
    assertThat(capturedState(classes)).as("static run-time state captured at build time").isEmpty();
  }

  /** The check above can fail: it sees a generator and a secret held in static fields. */
  @Test
  void theCheckSeesACapturedGeneratorAndSecret() throws Exception {
    assertThat(capturedState(List.of(Captured.class.getName())))
        .containsExactlyInAnyOrder(
            Captured.class.getName() + ".RANDOM (java.security.SecureRandom)",
            Captured.class.getName() + ".SECRET ([B)");
  }

  private static final class Captured {
    private static final Random RANDOM = new java.security.SecureRandom();
    private static final byte[] SECRET = {1, 2, 3};
  }

  private static List<String> capturedState(List<String> classes) throws Exception {
    List<String> offenders = new ArrayList<>();
    for (String name : classes) {
      if (namedByFeature.contains(name)) {
        continue; // initialized at run time
      }
      Class<?> type = Class.forName(name, true, NativeImageInputsCheck.class.getClassLoader());
      for (Field field : type.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
          continue;
        }
        field.setAccessible(true);
        Object value = field.get(null);
        boolean secretLike =
            (value instanceof byte[] || value instanceof char[])
                && SECRET_NAME.matcher(field.getName()).find();
        if (secretLike
            || value instanceof Random
            || value instanceof Key
            || value instanceof KeyPair
            || value instanceof Thread
            || value instanceof ExecutorService) {
          offenders.add(name + "." + field.getName() + " (" + value.getClass().getName() + ")");
        }
      }
    }
    return offenders;
  }

  private static boolean isInterface(String name) {
    try {
      return Class.forName(name, false, NativeImageInputsCheck.class.getClassLoader())
          .isInterface();
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  /** The UTF-8 constants of a class file: the class names the generated Feature passes on. */
  private static Set<String> utf8Constants(InputStream classFile) throws IOException {
    DataInputStream in = new DataInputStream(classFile);
    in.readInt(); // magic
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    Set<String> constants = new HashSet<>();
    for (int index = 1; index < count; index++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> constants.add(in.readUTF());
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          index++;
        }
        case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
        case 9, 10, 11, 12, 17, 18 -> in.readInt();
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    return constants;
  }
}
