package org.spacetime.gst.testelements;

import java.net.URI;

import org.spacetime.gst.framework.ElementType;
import org.spacetime.gst.framework.UriHandler;

/** {@link TestFrameSource} behind the test URI scheme {@code sttest:///?pattern=N}. */
public class TestUriSource extends TestFrameSource implements UriHandler {
    public static final ElementType<TestUriSource> TYPE = ElementType
            .builder("spacetimetesturisrc", TestUriSource.class, TestUriSource::new)
            .metadata("Spacetime test URI source", "Source/Video", "Known frames from sttest:// URIs", "Spacetime")
            .srcPad(CAPS)
            .properties(TestFrameSource.<TestUriSource>properties())
            .uriSchemes("sttest")
            .rank(256)
            .build();

    private String uri;

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public void setUri(String value) {
        URI u = URI.create(value);
        if (!"sttest".equals(u.getScheme())) {
            throw new IllegalArgumentException("not an sttest:// URI: " + value);
        }
        String q = u.getQuery();
        if (q != null) {
            for (String kv : q.split("&")) {
                String[] p = kv.split("=", 2);
                if (p[0].equals("pattern")) {
                    pattern = Integer.parseInt(p[1]);
                } else {
                    throw new IllegalArgumentException("unknown parameter '" + p[0] + "'; accepted: pattern");
                }
            }
        }
        uri = value;
    }
}
