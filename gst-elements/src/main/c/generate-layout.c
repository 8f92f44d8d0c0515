/* Prints the GStreamer/GLib struct layout the Java framework uses, as Java properties. */
#include <stddef.h>
#include <stdio.h>
#include "gst_layout_fields.h"

#define SIZE(t) printf("sizeof.%s=%zu\n", #t, sizeof(t));
#define FIELD(t, f) printf("offsetof.%s.%s=%zu\n", #t, #f, offsetof(t, f));
#define CONST(c) printf("const.%s=%lld\n", #c, (long long) (c));

int main(void) {
  printf("# Generated at build time by generate-layout.c from the installed GStreamer headers.\n");
  printf("gst.version=%d.%d.%d\n", GST_VERSION_MAJOR, GST_VERSION_MINOR, GST_VERSION_MICRO);
  SPACETIME_LAYOUT_LIST
  SPACETIME_CONST_LIST
  return 0;
}
