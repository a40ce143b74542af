package dev.revenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The public API (package dev.revenant) never exposes an internal type. */
class PublicApiTest {

  @Test
  void publicSignaturesUseNoInternalTypes() throws Exception {
    List<String> leaks = new ArrayList<>();
    List<Class<?>> api = apiClasses();
    assertThat(api).contains(Recoverable.class, RecoverableBehavior.class, RecoverableContext.class);
    for (Class<?> c : api) {
      if (!Modifier.isPublic(c.getModifiers())) {
        continue;
      }
      for (Method m : c.getDeclaredMethods()) {
        if (exposed(m)) {
          check(c, m.getName(), m.getGenericReturnType(), leaks);
          checkAll(c, m, leaks);
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (exposed(k)) {
          checkAll(c, k, leaks);
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isPublic(f.getModifiers()) || Modifier.isProtected(f.getModifiers())) {
          check(c, f.getName(), f.getGenericType(), leaks);
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  private static boolean exposed(Executable e) {
    return !e.isSynthetic()
        && (Modifier.isPublic(e.getModifiers()) || Modifier.isProtected(e.getModifiers()));
  }

  private static void checkAll(Class<?> c, Executable e, List<String> leaks) {
    for (Type t : e.getGenericParameterTypes()) {
      check(c, e.getName(), t, leaks);
    }
  }

  private static void check(Class<?> owner, String member, Type t, List<String> leaks) {
    if (t instanceof Class<?> k) {
      if (k.getName().startsWith("dev.revenant.internal")) {
        leaks.add(owner.getName() + "." + member + " exposes " + k.getName());
      }
    } else if (t instanceof ParameterizedType p) {
      check(owner, member, p.getRawType(), leaks);
      for (Type a : p.getActualTypeArguments()) {
        check(owner, member, a, leaks);
      }
    } else if (t instanceof WildcardType w) {
      Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
          .forEach(b -> check(owner, member, b, leaks));
    } else if (t instanceof GenericArrayType g) {
      check(owner, member, g.getGenericComponentType(), leaks);
    } else if (t instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        if (!(b instanceof TypeVariable<?>)) {
          check(owner, member, b, leaks);
        }
      }
    }
  }

  private static List<Class<?>> apiClasses()
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path dir = Path.of(Recoverable.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("dev/revenant");
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(".class")) {
          out.add(Class.forName("dev.revenant." + name.substring(0, name.length() - 6)));
        }
      }
    }
    return out;
  }
}
