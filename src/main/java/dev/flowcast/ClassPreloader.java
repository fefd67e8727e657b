package dev.flowcast;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Loads every class of the application (and the few server classes the shutdown path touches) at start-up.
 *
 * <p>Why: once Payara Micro is stopping (SIGTERM), its web class loader no longer finds the application's
 * classes (ClassNotFoundException from WebappClassLoader; most likely its own shutdown hook removes the unpacked
 * runtime directory that holds {@code WEB-INF/classes}). A class first needed by Flowcast's drain then fails:
 * seen here as {@code NoClassDefFoundError} in the close path, clients getting 1006 instead of 1001. Loading
 * everything costs a few milliseconds once. Called once, by the lifecycle, on the start-up thread.
 */
final class ClassPreloader {

    private static final Logger LOG = Logger.getLogger(ClassPreloader.class.getName());

    /** Server classes first used when sockets close; resolving them now records them for our class loader. */
    private static final List<String> SERVER_CLASSES = List.of(
            "jakarta.websocket.CloseReason",
            "jakarta.websocket.CloseReason$CloseCodes",
            "jakarta.websocket.CloseReason$CloseCode");

    private ClassPreloader() {
    }

    /**
     * Loads and initializes every class under {@code anchor}'s class root, and the server classes. Initialized,
     * not just loaded: a static initializer that runs during shutdown (e.g. {@code JsonP}'s provider lookup)
     * would hit the same wall. Our static initializers only build constants.
     */
    static int preload(Class<?> anchor) {
        ClassLoader loader = anchor.getClassLoader();
        int loaded = 0;
        for (String name : SERVER_CLASSES) {
            loaded += load(name, loader);
        }
        Path root = classesRoot(anchor);
        if (root == null) {
            return loaded;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String relative = root.relativize(file).toString();
                String name = relative.substring(0, relative.length() - ".class".length()).replace(file.getFileSystem().getSeparator(), ".");
                if (!name.endsWith("package-info") && !name.endsWith("module-info")) {
                    loaded += load(name, loader);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not preload the application classes; shutdown may close sockets uncleanly", e);
        }
        return loaded;
    }

    private static int load(String name, ClassLoader loader) {
        try {
            Class.forName(name, true, loader);
            return 1;
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.log(Level.FINE, "not preloaded: " + name, e);
            return 0;
        }
    }

    /** The directory the application's classes were loaded from, or null when they come from a jar. */
    private static Path classesRoot(Class<?> anchor) {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null) {
            return null;
        }
        try {
            Path location = Path.of(source.getLocation().toURI());
            return Files.isDirectory(location) ? location : null;
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            return null; // WildFly: a vfs: URL, no file system to walk (and no need: its loader stays usable)
        }
    }
}
