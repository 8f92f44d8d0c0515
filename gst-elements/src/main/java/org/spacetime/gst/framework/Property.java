package org.spacetime.gst.framework;

import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.sun.jna.Pointer;

import org.spacetime.gst.jna.GObject;

/**
 * One GObject property of a Java element, declared in one place: name (dash-separated), nick,
 * blurb, type, range, default, flags, and how to read and write it on the element.
 *
 * @param <E> the element class the property belongs to
 */
public final class Property<E extends Element> {
    /** The value types the framework maps to GParamSpecs. */
    public enum Type { INT, INT64, UINT64, DOUBLE, BOOLEAN, STRING, ENUM }

    /** A Java enum usable as a property type: its nick is what gst-launch accepts. */
    public interface Choice {
        String nick();

        String description();
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    final String name;
    final String nick;
    final String blurb;
    final Type type;
    final Number min;
    final Number max;
    final Object defaultValue;
    final Class<? extends Enum<?>> enumClass;
    private final Function<E, Object> getter;
    private final BiConsumer<E, Object> setter;
    private boolean mutablePlaying;

    @SuppressWarnings("unchecked")
    private Property(String name, String nick, String blurb, Type type, Number min, Number max, Object def,
                     Class<? extends Enum<?>> enumClass, Function<E, ?> getter, BiConsumer<E, ?> setter) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("property name '" + name + "' must be lower case words joined by dashes");
        }
        if (nick == null || nick.isBlank() || blurb == null || blurb.isBlank()) {
            throw new IllegalArgumentException("property '" + name + "' needs a nick and a blurb");
        }
        this.name = name;
        this.nick = nick;
        this.blurb = blurb;
        this.type = type;
        this.min = min;
        this.max = max;
        this.defaultValue = def;
        this.enumClass = enumClass;
        this.getter = (Function<E, Object>) getter;
        this.setter = (BiConsumer<E, Object>) setter;
    }

    public static <E extends Element> Property<E> ofInt(String name, String nick, String blurb, int min, int max, int def,
                                                      Function<E, Integer> get, BiConsumer<E, Integer> set) {
        checkRange(name, min, max, def);
        return new Property<>(name, nick, blurb, Type.INT, min, max, def, null, get, set);
    }

    public static <E extends Element> Property<E> ofInt64(String name, String nick, String blurb, long min, long max, long def,
                                                        Function<E, Long> get, BiConsumer<E, Long> set) {
        checkRange(name, min, max, def);
        return new Property<>(name, nick, blurb, Type.INT64, min, max, def, null, get, set);
    }

    /** Unsigned 64-bit (seeds): values are Java longs read as unsigned. */
    public static <E extends Element> Property<E> ofUInt64(String name, String nick, String blurb, long def,
                                                         Function<E, Long> get, BiConsumer<E, Long> set) {
        return new Property<>(name, nick, blurb, Type.UINT64, 0L, -1L, def, null, get, set);
    }

    public static <E extends Element> Property<E> ofDouble(String name, String nick, String blurb, double min, double max,
                                                         double def, Function<E, Double> get, BiConsumer<E, Double> set) {
        checkRange(name, min, max, def);
        return new Property<>(name, nick, blurb, Type.DOUBLE, min, max, def, null, get, set);
    }

    public static <E extends Element> Property<E> ofBoolean(String name, String nick, String blurb, boolean def,
                                                          Function<E, Boolean> get, BiConsumer<E, Boolean> set) {
        return new Property<>(name, nick, blurb, Type.BOOLEAN, null, null, def, null, get, set);
    }

    public static <E extends Element> Property<E> ofString(String name, String nick, String blurb, String def,
                                                         Function<E, String> get, BiConsumer<E, String> set) {
        return new Property<>(name, nick, blurb, Type.STRING, null, null, def, null, get, set);
    }

    public static <E extends Element, C extends Enum<C> & Choice> Property<E> ofChoice(
            String name, String nick, String blurb, Class<C> choices, C def, Function<E, C> get, BiConsumer<E, C> set) {
        return new Property<>(name, nick, blurb, Type.ENUM, null, null, def, choices, get, set);
    }

    /** Allows changing the property while PLAYING (GST_PARAM_MUTABLE_PLAYING); default is READY. */
    public Property<E> mutablePlaying() {
        this.mutablePlaying = true;
        return this;
    }

    public String name() {
        return name;
    }

    private static void checkRange(String name, double min, double max, double def) {
        if (!(min <= def && def <= max)) {
            throw new IllegalArgumentException("property '" + name + "': default " + def + " outside [" + min + ", " + max + "]");
        }
    }

    int flags() {
        Layout l = Layout.get();
        return l.constant("G_PARAM_READWRITE")
                | l.constant(mutablePlaying ? "GST_PARAM_MUTABLE_PLAYING" : "GST_PARAM_MUTABLE_READY");
    }

    Pointer createSpec(long enumType) {
        int f = flags();
        return switch (type) {
            case INT -> GObject.g_param_spec_int(name, nick, blurb, min.intValue(), max.intValue(), (Integer) defaultValue, f);
            case INT64 -> GObject.g_param_spec_int64(name, nick, blurb, min.longValue(), max.longValue(), (Long) defaultValue, f);
            case UINT64 -> GObject.g_param_spec_uint64(name, nick, blurb, 0L, -1L, (Long) defaultValue, f);
            case DOUBLE -> GObject.g_param_spec_double(name, nick, blurb, min.doubleValue(), max.doubleValue(), (Double) defaultValue, f);
            case BOOLEAN -> GObject.g_param_spec_boolean(name, nick, blurb, (Boolean) defaultValue, f);
            case STRING -> GObject.g_param_spec_string(name, nick, blurb, (String) defaultValue, f);
            case ENUM -> GObject.g_param_spec_enum(name, nick, blurb, enumType, ((Enum<?>) defaultValue).ordinal(), f);
        };
    }

    void setFromGValue(E element, Pointer value) {
        Object v = switch (type) {
            case INT -> GObject.g_value_get_int(value);
            case INT64 -> GObject.g_value_get_int64(value);
            case UINT64 -> GObject.g_value_get_uint64(value);
            case DOUBLE -> GObject.g_value_get_double(value);
            case BOOLEAN -> GObject.g_value_get_boolean(value);
            case STRING -> GObject.g_value_get_string(value);
            case ENUM -> enumClass.getEnumConstants()[GObject.g_value_get_enum(value)];
        };
        setter.accept(element, v);
    }

    void getIntoGValue(E element, Pointer value) {
        Object v = getter.apply(element);
        switch (type) {
            case INT -> GObject.g_value_set_int(value, (Integer) v);
            case INT64 -> GObject.g_value_set_int64(value, (Long) v);
            case UINT64 -> GObject.g_value_set_uint64(value, (Long) v);
            case DOUBLE -> GObject.g_value_set_double(value, (Double) v);
            case BOOLEAN -> GObject.g_value_set_boolean(value, (Boolean) v);
            case STRING -> GObject.g_value_set_string(value, (String) v);
            case ENUM -> GObject.g_value_set_enum(value, ((Enum<?>) v).ordinal());
        }
    }

    /** Sets the property from text (URIs): numbers, true/false, enum nicks. */
    public void setFromString(E element, String text) {
        Object v = switch (type) {
            case INT -> checked(Integer.parseInt(text.trim()));
            case INT64 -> checked(Long.parseLong(text.trim()));
            case UINT64 -> Long.parseUnsignedLong(text.trim());
            case DOUBLE -> checked(Double.parseDouble(text.trim()));
            case BOOLEAN -> switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new IllegalArgumentException("expected true or false");
            };
            case STRING -> text;
            case ENUM -> {
                for (Enum<?> c : enumClass.getEnumConstants()) {
                    if (((Choice) c).nick().equals(text.trim())) {
                        yield c;
                    }
                }
                StringBuilder accepted = new StringBuilder();
                for (Enum<?> c : enumClass.getEnumConstants()) {
                    accepted.append(accepted.length() == 0 ? "" : ", ").append(((Choice) c).nick());
                }
                throw new IllegalArgumentException("unknown value; accepted: " + accepted);
            }
        };
        setter.accept(element, v);
    }

    private <N extends Number> N checked(N n) {
        if (n.doubleValue() < min.doubleValue() || n.doubleValue() > max.doubleValue()) {
            throw new IllegalArgumentException(n + " out of range [" + min + ", " + max + "]");
        }
        return n;
    }

    /** The current value as text (enum nicks, unsigned seeds). */
    public String valueAsString(E element) {
        return asString(getter.apply(element));
    }

    public String defaultAsString() {
        return asString(defaultValue);
    }

    private String asString(Object v) {
        if (v == null) {
            return null;
        }
        if (type == Type.ENUM) {
            return ((Choice) v).nick();
        }
        if (type == Type.UINT64) {
            return Long.toUnsignedString((Long) v);
        }
        return String.valueOf(v);
    }

    /** GType name for this property's enum on element type {@code typeName}, e.g. GstSpacetimeSrcSampler. */
    /**
     * The GEnum type of this property's choices: one per Java enum (e.g. SamplerChoice ->
     * GstSpacetimeSampler), shared by every element that offers the same choice, as GStreamer's own
     * enums are, so applications see one type for one meaning.
     */
    String enumTypeName() {
        String simple = enumClass.getSimpleName().replaceFirst("Choice$", "");
        return "GstSpacetime" + simple.substring(0, 1).toUpperCase(Locale.ROOT) + simple.substring(1);
    }
}
