package dev.flowcast.delivery;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Reads a field or calls a no-argument method of a container object by name, looking through its superclasses:
 * how {@link SocketAborter} and {@link RawFrameWriter} reach the parts of Tyrus and Undertow JSR-356 does not expose.
 * Callers treat every failure as "this container looks different" and fall back to the portable path.
 *
 * <p>Stateless; thread-safe.
 */
final class ContainerInternals {

    private ContainerInternals() {
    }

    /** The value of the field {@code name} declared by {@code target}'s class or a superclass. */
    static Object field(Object target, String name) throws ReflectiveOperationException {
        if (target == null) {
            throw new NoSuchFieldException("no object to read " + name + " from");
        }
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(target);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(target.getClass().getName() + "." + name);
    }

    /** What the no-argument method {@code name} of {@code target}'s class or a superclass returns. */
    static Object call(Object target, String name) throws ReflectiveOperationException {
        if (target == null) {
            throw new NoSuchMethodException("no object to call " + name + "() on");
        }
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Method method = type.getDeclaredMethod(name);
                method.setAccessible(true);
                return method.invoke(target);
            } catch (NoSuchMethodException e) {
                // look in the superclass
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + name + "()");
    }
}
