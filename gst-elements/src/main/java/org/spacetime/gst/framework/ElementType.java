package org.spacetime.gst.framework;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything GStreamer needs to know about one Java element type, declared in one place:
 * factory name, metadata, pad templates, properties, URI schemes, and the Java class whose
 * instances back each GStreamer instance. Build with {@link #builder}.
 *
 * @param <E> the Java element class
 */
public final class ElementType<E extends Element> {
    /** A pad template: an always-present pad with fixed name and caps. */
    public record PadTemplate(String name, boolean isSource, String caps) {}

    final String factoryName;
    final String typeName;
    final Class<E> elementClass;
    final Supplier<E> factory;
    final String longName;
    final String klass;
    final String description;
    final String author;
    final int rank;
    final List<PadTemplate> padTemplates;
    final List<Property<E>> properties;
    final List<String> uriSchemes;
    final List<ActionSignal<E>> actions;

    /** An action signal (G_SIGNAL_ACTION, no arguments): applications emit it to make the element act. */
    public record ActionSignal<E extends Element>(String name, java.util.function.Consumer<E> handler) {}

    private ElementType(Builder<E> b) {
        this.factoryName = b.factoryName;
        this.typeName = b.typeName != null ? b.typeName : "Gst" + camel(b.factoryName);
        this.elementClass = b.elementClass;
        this.factory = b.factory;
        this.longName = require(b.longName, "long name");
        this.klass = require(b.klass, "klass");
        this.description = require(b.description, "description");
        this.author = require(b.author, "author");
        this.rank = b.rank;
        this.padTemplates = List.copyOf(b.padTemplates);
        this.properties = List.copyOf(b.properties);
        this.uriSchemes = List.copyOf(b.uriSchemes);
        this.actions = List.copyOf(b.actions);
        if (!uriSchemes.isEmpty() && !UriHandler.class.isAssignableFrom(elementClass)) {
            throw new IllegalArgumentException(factoryName + " declares URI schemes but does not implement UriHandler");
        }
        long names = properties.stream().map(p -> p.name).distinct().count();
        if (names != properties.size()) {
            throw new IllegalArgumentException(factoryName + " declares a property name twice");
        }
    }

    public static <E extends Element> Builder<E> builder(String factoryName, Class<E> elementClass, Supplier<E> factory) {
        return new Builder<>(factoryName, elementClass, factory);
    }

    public String factoryName() {
        return factoryName;
    }

    public String typeName() {
        return typeName;
    }

    public List<Property<E>> properties() {
        return properties;
    }

    boolean isPushSource() {
        return PushSource.class.isAssignableFrom(elementClass);
    }

    private String require(String v, String what) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(factoryName + ": metadata needs a " + what);
        }
        return v;
    }

    private static String camel(String s) {
        StringBuilder out = new StringBuilder();
        for (String part : s.split("[-_]")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    public static final class Builder<E extends Element> {
        private final String factoryName;
        private final Class<E> elementClass;
        private final Supplier<E> factory;
        private String typeName;
        private String longName;
        private String klass;
        private String description;
        private String author;
        private int rank = Layout.get().constant("GST_RANK_NONE");
        private final List<PadTemplate> padTemplates = new ArrayList<>();
        private final List<Property<E>> properties = new ArrayList<>();
        private final List<String> uriSchemes = new ArrayList<>();
        private final List<ActionSignal<E>> actions = new ArrayList<>();

        private Builder(String factoryName, Class<E> elementClass, Supplier<E> factory) {
            this.factoryName = Objects.requireNonNull(factoryName);
            this.elementClass = Objects.requireNonNull(elementClass);
            this.factory = Objects.requireNonNull(factory);
        }

        public Builder<E> metadata(String longName, String klass, String description, String author) {
            this.longName = longName;
            this.klass = klass;
            this.description = description;
            this.author = author;
            return this;
        }

        /** GType name; defaults to "Gst" + the factory name in camel case. */
        public Builder<E> typeName(String name) {
            this.typeName = name;
            return this;
        }

        public Builder<E> rank(int rank) {
            this.rank = rank;
            return this;
        }

        public Builder<E> srcPad(String caps) {
            padTemplates.add(new PadTemplate("src", true, caps));
            return this;
        }

        public Builder<E> sinkPad(String caps) {
            padTemplates.add(new PadTemplate("sink", false, caps));
            return this;
        }

        @SafeVarargs
        public final Builder<E> properties(Property<E>... props) {
            properties.addAll(List.of(props));
            return this;
        }

        public Builder<E> properties(List<Property<E>> props) {
            properties.addAll(props);
            return this;
        }

        /** URI schemes this element handles (it must implement {@link UriHandler}). */
        public Builder<E> uriSchemes(String... schemes) {
            uriSchemes.addAll(List.of(schemes));
            return this;
        }

        /** Declares an action signal {@code name} (dash-separated) that runs {@code handler} on the element. */
        public Builder<E> actionSignal(String name, java.util.function.Consumer<E> handler) {
            actions.add(new ActionSignal<>(name, handler));
            return this;
        }

        public ElementType<E> build() {
            return new ElementType<>(this);
        }
    }
}
