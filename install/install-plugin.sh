#!/usr/bin/env bash
# Installs the built plugin so that plain gst-inspect-1.0 / gst-launch-1.0 find it:
#   libgstspacetime.so + libgstspacetime.conf  -> $PLUGIN_DIR (default ~/.local/share/gstreamer-1.0/plugins)
#   the jars it runs                           -> $LIB_DIR    (default ~/.local/share/spacetime/lib)
#   the shipped default model package          -> $MODELS_DIR (default ~/.local/share/spacetime/models)
#   the Pitivi plugin (editor menus)           -> $PITIVI_DIR (default ~/.local/share/pitivi/plugins/spacetime;
#                                                 enable it in Pitivi: Preferences > Plugins > Spacetime)
# The install does not need the checkout afterwards.
# Options: --plugin-dir DIR, --lib-dir DIR, --models-dir DIR, --pitivi-dir DIR, --extra-classpath CP (e.g. test jars).
# Reinstalling always rewrites the .so, which makes GStreamer rescan it even after a failed load.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
plugin_dir="${XDG_DATA_HOME:-${HOME}/.local/share}/gstreamer-1.0/plugins"   # where GStreamer looks (g_get_user_data_dir)
lib_dir="${HOME}/.local/share/spacetime/lib"
models_dir="${HOME}/.local/share/spacetime/models"
pitivi_dir="${XDG_DATA_HOME:-${HOME}/.local/share}/pitivi/plugins/spacetime"
extra=""
while [ $# -gt 0 ]; do
  case "$1" in
    --plugin-dir) plugin_dir="$2"; shift 2 ;;
    --lib-dir) lib_dir="$2"; shift 2 ;;
    --models-dir) models_dir="$2"; shift 2 ;;
    --pitivi-dir) pitivi_dir="$2"; shift 2 ;;
    --extra-classpath) extra="$2"; shift 2 ;;
    *) echo "install-plugin: unknown option $1" >&2; exit 2 ;;
  esac
done
fail() { echo "install-plugin: ERROR: $*" >&2; exit 1; }

so="$root/plugin/target/native/libgstspacetime.so"
[ -f "$so" ] || fail "$so not built: run install/build-and-install.sh"
ls "$root"/plugin/target/lib/*.jar >/dev/null 2>&1 || fail "no jars in plugin/target/lib: run install/build-and-install.sh"

# The JVM the plugin starts in: the newest JDK of version 25 or later where one is installed (its
# ahead-of-time cache makes every plugin start about 0.3 s shorter than Java 17's class-data sharing
# archive does: plugin/bench/startup.sh), else the `java` on PATH. SPACETIME_JAVA=/path/bin/java chooses.
java_major() { "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'; }
if [ -n "${SPACETIME_JAVA:-}" ]; then
  java_bin="$SPACETIME_JAVA"
  major="$(java_major "$java_bin")"
else
  java_bin="$(command -v java)" || fail "java not found"
  major="$(java_major "$java_bin")"
  for candidate in /usr/lib/jvm/*/bin/java; do
    [ -x "$candidate" ] || continue
    m="$(java_major "$candidate")"
    if [ "${m:-0}" -ge 25 ] && [ "$m" -gt "${major:-0}" ]; then
      java_bin="$candidate"
      major="$m"
    fi
  done
fi
[ -n "$major" ] && [ "$major" -ge 17 ] || fail "$java_bin is not Java 17 or later"
libjvm="$(dirname "$(dirname "$(readlink -f "$java_bin")")")/lib/server/libjvm.so"
[ -f "$libjvm" ] || fail "libjvm.so not found next to $java_bin (expected $libjvm)"

mkdir -p "$plugin_dir" "$lib_dir" "$models_dir"
rm -f "$lib_dir"/*.jar
cp "$root"/plugin/target/lib/*.jar "$lib_dir"/
# The default model: files only (its eval/ pictures are not needed to run it).
rm -rf "$models_dir/spacetime-world-v1.tmp"
mkdir "$models_dir/spacetime-world-v1.tmp"
find "$root/models/spacetime-world-v1" -maxdepth 1 -type f -exec cp {} "$models_dir/spacetime-world-v1.tmp/" \;
rm -rf "$models_dir/spacetime-world-v1"
mv "$models_dir/spacetime-world-v1.tmp" "$models_dir/spacetime-world-v1"
# ONNX Runtime's native libraries, unpacked once here: without onnxruntime.native.path its Java API
# unpacks them (16 MB) into a new /tmp/onnxruntime-java* directory in every process that loads the
# plugin and never removes it.
case "$(uname -m)" in
  x86_64) ort_arch=linux-x64 ;;
  aarch64) ort_arch=linux-aarch64 ;;
  *) fail "ONNX Runtime ships no native library for $(uname -m)" ;;
esac
ort_jar="$(ls "$lib_dir"/onnxruntime*.jar 2>/dev/null | head -1)"
[ -n "$ort_jar" ] || fail "no ONNX Runtime jar in $lib_dir"
native_dir="$lib_dir/native"
rm -rf "$native_dir" "$native_dir.tmp"
mkdir -p "$native_dir.tmp"
(cd "$native_dir.tmp" && jar xf "$ort_jar" "ai/onnxruntime/native/$ort_arch") || fail "cannot unpack $ort_jar"
[ -f "$native_dir.tmp/ai/onnxruntime/native/$ort_arch/libonnxruntime.so" ] || fail "$ort_jar has no $ort_arch library"
mv "$native_dir.tmp/ai/onnxruntime/native/$ort_arch" "$native_dir"
rm -rf "$native_dir.tmp"
# JNA's own native library, likewise: JNA otherwise copies it out of its jar into a new temporary
# file at every start (60 ms of each plugin load, with a SecureRandom for the file name).
case "$(uname -m)" in
  x86_64) jna_arch=linux-x86-64 ;;
  aarch64) jna_arch=linux-aarch64 ;;
esac
jna_jar="$(ls "$lib_dir"/jna-*.jar 2>/dev/null | head -1)"
[ -n "$jna_jar" ] || fail "no JNA jar in $lib_dir"
mkdir -p "$native_dir/jna.tmp"
(cd "$native_dir/jna.tmp" && jar xf "$jna_jar" "com/sun/jna/$jna_arch/libjnidispatch.so") || fail "cannot unpack $jna_jar"
mv "$native_dir/jna.tmp/com/sun/jna/$jna_arch/libjnidispatch.so" "$native_dir/"
rm -rf "$native_dir/jna.tmp"
classpath="$(ls "$lib_dir"/*.jar | tr '\n' ':' | sed 's/:$//')"
[ -n "$extra" ] && classpath="$classpath:$extra"
# The plugin's JVM options. Its Java code is glue (ONNX Runtime and GStreamer do the work), so it
# runs on the C1 compiler alone and the serial collector: on 2 cores C2's compiler threads and G1's
# threads took CPU from ONNX Runtime in the first seconds (plugin/bench/startup.sh: 1.93-1.98 s ->
# 1.76 s; 24 s of video made in 4.3-4.5 s instead of 5.2-5.6 s; 120 s of video the same, 16.4 s and
# 16.6 s) at the cost of 8 us more Java work per buffer (plugin/bench/per-buffer-overhead.sh).
run_opts=(-Xss2m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dspacetime.models="$models_dir"
  -Donnxruntime.native.path="$native_dir" -Djna.boot.library.path="$native_dir" -Djna.nounpack=true)
# JNA and ONNX Runtime call native code (JDK 24+ warns on stderr unless it is allowed).
if [ "$major" -ge 24 ]; then run_opts+=(--enable-native-access=ALL-UNNAMED); fi
# The system library directories JNA searches, worked out here once: without them JNA runs
# /sbin/ldconfig -p in a child process at every plugin load (about 40 ms).
jna_path="$("$java_bin" "${run_opts[@]}" -cp "$classpath" org.spacetime.gst.elements.JnaPlatformLibraryPath)" \
  || fail "cannot work out JNA's library path (java -cp ... org.spacetime.gst.elements.JnaPlatformLibraryPath)"
[ -n "$jna_path" ] && run_opts+=(-Djna.platform.library.path="$jna_path")
{
  echo "# Written by install/install-plugin.sh. Read by libgstspacetime.so at plugin load."
  echo "classpath=$classpath"
  echo "jvm=$libjvm"
  printf 'option=%s\n' "${run_opts[@]}"
} > "$plugin_dir/libgstspacetime.conf.tmp"
# A class-data sharing archive of the classes a plugin load and a first window use (JVM start-up:
# they are mapped instead of loaded and verified one by one; plugin/bench/startup.sh measures it).
# Made by running them once with the plugin's own class path and options: on JDK 25 or later an
# ahead-of-time cache (classes loaded and linked, method profiles), on older ones a dynamic CDS
# archive. Without it (an error here) the plugin works the same, a little slower to start. The run
# also keeps the default model's optimised graphs for this user (OptimizedGraphCache, ~/.cache).
rm -f "$lib_dir/spacetime.jsa" "$lib_dir/spacetime.aot"
if [ "$major" -ge 25 ]; then
  archive="$lib_dir/spacetime.aot"
  make_opt="-XX:AOTCacheOutput=$archive"
  use_opts=("-XX:AOTCache=$archive" "-Xlog:aot=off" "-Xlog:cds=off")
else
  archive="$lib_dir/spacetime.jsa"
  make_opt="-XX:ArchiveClassesAtExit=$archive"
  use_opts=("-XX:SharedArchiveFile=$archive" "-Xlog:cds=off")
fi
# Its warnings (a warm-up pipeline that could not run) go to the log below.
if GST_DEBUG="${GST_DEBUG:-spacetime*:2}" "$java_bin" "$make_opt" "${run_opts[@]}" -cp "$classpath" org.spacetime.gst.elements.ClassDataWarmUp \
     > "$lib_dir/cds-archive.log" 2>&1 && [ -f "$archive" ]; then
  printf 'option=%s\n' "${use_opts[@]}" >> "$plugin_dir/libgstspacetime.conf.tmp"
else
  echo "install-plugin: no class-data sharing archive (see $lib_dir/cds-archive.log); start-up is slower"
  rm -f "$archive"
fi
mv "$plugin_dir/libgstspacetime.conf.tmp" "$plugin_dir/libgstspacetime.conf"
# The Pitivi plugin: plain files (libpeas loads them from there when Pitivi starts).
mkdir -p "$pitivi_dir"
cp "$root"/editor/pitivi/spacetime/spacetime.plugin "$root"/editor/pitivi/spacetime/spacetime.py "$pitivi_dir"/
rm -f "$plugin_dir/libgstspacetime.so"
cp "$so" "$plugin_dir/libgstspacetime.so"
echo "install-plugin: installed $plugin_dir/libgstspacetime.so (jars in $lib_dir, default model in $models_dir, JVM $libjvm)"
