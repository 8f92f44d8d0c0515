/* The struct sizes and field offsets the Java element framework uses, as an X-macro list.
 * generate-layout.sh compiles this into gst-layout.properties (inside the jar); the native loader
 * compiles the same list and hands it to Java at start-up, which refuses to run if they differ.
 * SIZE(type) and FIELD(type, field) must be defined by the includer. */
#include <gst/gst.h>
#include <gst/base/gstbasesrc.h>
#include <gst/base/gstpushsrc.h>
#include <gst/video/video.h>

#define SPACETIME_LAYOUT_LIST \
  SIZE(GTypeInfo) FIELD(GTypeInfo, class_size) FIELD(GTypeInfo, base_init) FIELD(GTypeInfo, base_finalize) \
  FIELD(GTypeInfo, class_init) FIELD(GTypeInfo, class_finalize) FIELD(GTypeInfo, class_data) \
  FIELD(GTypeInfo, instance_size) FIELD(GTypeInfo, n_preallocs) FIELD(GTypeInfo, instance_init) \
  FIELD(GTypeInfo, value_table) \
  SIZE(GTypeQuery) FIELD(GTypeQuery, class_size) FIELD(GTypeQuery, instance_size) \
  SIZE(GInterfaceInfo) FIELD(GInterfaceInfo, interface_init) FIELD(GInterfaceInfo, interface_finalize) \
  FIELD(GInterfaceInfo, interface_data) \
  SIZE(GValue) SIZE(GEnumValue) \
  FIELD(GObjectClass, set_property) FIELD(GObjectClass, get_property) FIELD(GObjectClass, dispose) \
  FIELD(GObjectClass, finalize) \
  SIZE(GstElementClass) FIELD(GstElementClass, change_state) FIELD(GstElementClass, query) \
  FIELD(GstElementClass, send_event) \
  SIZE(GstBaseSrcClass) FIELD(GstBaseSrcClass, get_caps) FIELD(GstBaseSrcClass, fixate) \
  FIELD(GstBaseSrcClass, set_caps) FIELD(GstBaseSrcClass, start) FIELD(GstBaseSrcClass, stop) \
  FIELD(GstBaseSrcClass, is_seekable) FIELD(GstBaseSrcClass, do_seek) FIELD(GstBaseSrcClass, unlock) \
  FIELD(GstBaseSrcClass, unlock_stop) FIELD(GstBaseSrcClass, query) FIELD(GstBaseSrcClass, event) \
  FIELD(GstBaseSrcClass, create) FIELD(GstBaseSrcClass, get_size) \
  FIELD(GstBaseSrcClass, get_times) \
  SIZE(GstPushSrcClass) FIELD(GstPushSrcClass, create) FIELD(GstPushSrcClass, alloc) FIELD(GstPushSrcClass, fill) \
  SIZE(GstURIHandlerInterface) FIELD(GstURIHandlerInterface, get_type) \
  FIELD(GstURIHandlerInterface, get_protocols) FIELD(GstURIHandlerInterface, get_uri) \
  FIELD(GstURIHandlerInterface, set_uri) \
  SIZE(GstBuffer) FIELD(GstBuffer, pts) FIELD(GstBuffer, dts) FIELD(GstBuffer, duration) \
  FIELD(GstBuffer, offset) FIELD(GstBuffer, offset_end) \
  SIZE(GstMapInfo) FIELD(GstMapInfo, data) FIELD(GstMapInfo, size) \
  FIELD(GstEvent, type) FIELD(GstQuery, type) FIELD(GstMessage, type) \
  SIZE(GstSegment) FIELD(GstSegment, rate) FIELD(GstSegment, format) FIELD(GstSegment, start) \
  FIELD(GstSegment, stop) FIELD(GstSegment, time) FIELD(GstSegment, position) FIELD(GstSegment, base) \
  FIELD(GstBaseSrc, segment) FIELD(GstObject, flags) \
  SIZE(GstVideoFrame) SIZE(GstVideoInfo) FIELD(GstVideoInfo, finfo) FIELD(GstVideoInfo, width) FIELD(GstVideoInfo, height) \
  FIELD(GstVideoInfo, size) FIELD(GstVideoInfo, fps_n) FIELD(GstVideoInfo, fps_d) FIELD(GstVideoInfo, stride) \
  FIELD(GstVideoInfo, offset) FIELD(GstVideoInfo, interlace_mode) FIELD(GstVideoInfo, colorimetry) FIELD(GstVideoColorimetry, range) \
  FIELD(GstVideoColorimetry, matrix) FIELD(GstVideoFormatInfo, format) FIELD(GstVideoMeta, n_planes) \
  FIELD(GstVideoMeta, offset) FIELD(GstVideoMeta, stride)


/* Enum values and flags the framework passes to GStreamer. CONST(name) must be defined by the includer. */
#define SPACETIME_CONST_LIST \
  CONST(GST_FLOW_OK) CONST(GST_FLOW_EOS) CONST(GST_FLOW_ERROR) CONST(GST_FLOW_FLUSHING) \
  CONST(GST_FLOW_NOT_NEGOTIATED) CONST(GST_ELEMENT_FLAG_SOURCE) CONST(GST_MESSAGE_ERROR) CONST(GST_MESSAGE_WARNING) \
  CONST(GST_CORE_ERROR_FAILED) CONST(GST_CORE_ERROR_NEGOTIATION) CONST(GST_LIBRARY_ERROR_INIT) \
  CONST(GST_LIBRARY_ERROR_SETTINGS) CONST(GST_RESOURCE_ERROR_NOT_FOUND) CONST(GST_RESOURCE_ERROR_OPEN_READ) \
  CONST(GST_RESOURCE_ERROR_SETTINGS) CONST(GST_STREAM_ERROR_FAILED) CONST(GST_STREAM_ERROR_FORMAT) \
  CONST(GST_STREAM_ERROR_DECODE) CONST(GST_FORMAT_TIME) CONST(GST_PAD_SRC) CONST(GST_PAD_SINK) \
  CONST(GST_PAD_ALWAYS) CONST(G_PARAM_READWRITE) CONST(G_PARAM_READABLE) CONST(GST_PARAM_MUTABLE_READY) \
  CONST(GST_PARAM_MUTABLE_PLAYING) CONST(GST_EVENT_EOS) CONST(GST_EVENT_CAPS) CONST(GST_EVENT_SEGMENT) \
  CONST(GST_EVENT_FLUSH_START) CONST(GST_EVENT_FLUSH_STOP) CONST(GST_QUERY_DURATION) CONST(GST_QUERY_LATENCY) \
  CONST(GST_MAP_READ) CONST(GST_MAP_WRITE) CONST(GST_URI_SRC) CONST(GST_URI_SINK) \
  CONST(GST_PROGRESS_TYPE_START) CONST(GST_PROGRESS_TYPE_CONTINUE) CONST(GST_PROGRESS_TYPE_COMPLETE) \
  CONST(GST_PROGRESS_TYPE_CANCELED) CONST(GST_PROGRESS_TYPE_ERROR) \
  CONST(GST_STATE_CHANGE_NULL_TO_READY) CONST(GST_STATE_CHANGE_READY_TO_PAUSED) \
  CONST(GST_STATE_CHANGE_PAUSED_TO_PLAYING) CONST(GST_STATE_CHANGE_PLAYING_TO_PAUSED) \
  CONST(GST_STATE_CHANGE_PAUSED_TO_READY) CONST(GST_STATE_CHANGE_READY_TO_NULL) \
  CONST(GST_STATE_CHANGE_SUCCESS) CONST(GST_STATE_CHANGE_FAILURE) CONST(GST_RANK_NONE) \
  CONST(GST_RANK_PRIMARY) CONST(GST_RANK_SECONDARY) CONST(GST_URI_ERROR_BAD_URI) CONST(GST_PAD_FLAG_PROXY_CAPS) CONST(GST_PAD_FLAG_PROXY_ALLOCATION) \
  CONST(G_TYPE_NONE) CONST(G_SIGNAL_RUN_LAST) CONST(G_SIGNAL_ACTION) \
  CONST(GST_VIDEO_COLOR_RANGE_0_255) CONST(GST_VIDEO_COLOR_MATRIX_BT709) CONST(GST_VIDEO_COLOR_MATRIX_BT2020) \
  CONST(GST_VIDEO_COLOR_MATRIX_SMPTE240M) CONST(GST_VIDEO_INTERLACE_MODE_PROGRESSIVE) \
  CONST(GST_VIDEO_INTERLACE_MODE_INTERLEAVED) CONST(GST_VIDEO_INTERLACE_MODE_MIXED) CONST(GST_QUERY_ALLOCATION) CONST(GST_EVENT_GAP) CONST(GST_EVENT_STREAM_START) CONST(GST_EVENT_LATENCY) \
  CONST(GST_MESSAGE_EOS) CONST(GST_STATE_NULL) CONST(GST_STATE_PLAYING)
