/* libgstspacetime.so: the GStreamer plugin that hosts a JVM so that any GStreamer program finds
 * Spacetime's elements, which are written in Java.
 *
 * plugin_init:
 *  1. reads <this .so without ".so">.conf (written at install): classpath, jvm, options;
 *  2. declares the jar directories as plugin dependencies, so jar changes trigger a rescan;
 *  3. reuses a JVM already in the process (Java applications) or starts one (-Xrs);
 *  4. saves the JVM's SIGSEGV/SIGBUS handlers (GStreamer resets SIGSEGV after loading plugins;
 *     Java re-installs them through spacetime_restore_jvm_signals on every entry from native code);
 *  5. calls org.spacetime.gst.framework.PluginEntry.init(plugin, restore function, layout).
 * Every failure returns FALSE with the reason in the GStreamer log (GST_DEBUG=spacetime:1). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gst/gst.h>

#include "gst_layout_fields.h"

GST_DEBUG_CATEGORY_STATIC (spacetime_debug);
#define GST_CAT_DEFAULT spacetime_debug

#define ENTRY_CLASS "org/spacetime/gst/framework/PluginEntry"
#define MAX_OPTIONS 32

typedef jint (*CreateJavaVM) (JavaVM **, void **, void *);
typedef jint (*GetCreatedJavaVMs) (JavaVM **, jsize, jsize *);

static struct sigaction jvm_segv, jvm_bus;
static gboolean have_jvm_handlers = FALSE;

/* Re-installs the JVM's fault handlers if something replaced them. Called by Java on every
 * native->Java entry; cheap (two sigaction reads) compared with any element callback. */
void
spacetime_restore_jvm_signals (void)
{
  struct sigaction now;
  if (!have_jvm_handlers)
    return;
  if (sigaction (SIGSEGV, NULL, &now) == 0 && now.sa_sigaction != jvm_segv.sa_sigaction)
    sigaction (SIGSEGV, &jvm_segv, NULL);
  if (sigaction (SIGBUS, NULL, &now) == 0 && now.sa_sigaction != jvm_bus.sa_sigaction)
    sigaction (SIGBUS, &jvm_bus, NULL);
}

static gchar *
layout_string (void)
{
  GString *s = g_string_new (NULL);
#define SIZE(t) g_string_append_printf (s, "sizeof.%s=%zu\n", #t, sizeof (t));
#define FIELD(t, f) g_string_append_printf (s, "offsetof.%s.%s=%zu\n", #t, #f, offsetof (t, f));
#define CONST(c) g_string_append_printf (s, "const.%s=%lld\n", #c, (long long) (c));
  SPACETIME_LAYOUT_LIST SPACETIME_CONST_LIST
#undef SIZE
#undef FIELD
#undef CONST
  return g_string_free (s, FALSE);
}

typedef struct
{
  gchar *classpath;
  gchar *jvm;
  gchar *options[MAX_OPTIONS];
  int n_options;
} Config;

static void
config_clear (Config * c)
{
  g_free (c->classpath);
  g_free (c->jvm);
  for (int i = 0; i < c->n_options; i++)
    g_free (c->options[i]);
}

static gchar *
own_path (void)
{
  Dl_info info;
  if (dladdr ((void *) own_path, &info) && info.dli_fname)
    return g_strdup (info.dli_fname);
  return NULL;
}

/* conf: key=value lines; classpath=, jvm=, option= (repeatable); # comments. */
static gboolean
read_config (const gchar * path, Config * c, gchar ** why)
{
  gchar *text = NULL;
  GError *err = NULL;
  if (!g_file_get_contents (path, &text, NULL, &err)) {
    *why = g_strdup_printf ("cannot read %s (%s); run install/setup-debian.sh", path, err->message);
    g_error_free (err);
    return FALSE;
  }
  gchar **lines = g_strsplit (text, "\n", -1);
  for (gchar ** l = lines; *l; l++) {
    gchar *line = g_strstrip (*l);
    if (*line == '\0' || *line == '#')
      continue;
    gchar *eq = strchr (line, '=');
    if (!eq)
      continue;
    *eq = '\0';
    const gchar *value = eq + 1;
    if (g_str_equal (line, "classpath"))
      c->classpath = g_strdup (value);
    else if (g_str_equal (line, "jvm"))
      c->jvm = g_strdup (value);
    else if (g_str_equal (line, "option") && c->n_options < MAX_OPTIONS)
      c->options[c->n_options++] = g_strdup (value);
  }
  g_strfreev (lines);
  g_free (text);
  if (!c->classpath || !*c->classpath) {
    *why = g_strdup_printf ("%s has no classpath= line", path);
    return FALSE;
  }
  return TRUE;
}

/* libjvm.so: the config's jvm=, then $JAVA_HOME, then the `java` on PATH. */
static gchar *
find_libjvm (const Config * c)
{
  if (c->jvm && g_file_test (c->jvm, G_FILE_TEST_EXISTS))
    return g_strdup (c->jvm);
  const gchar *home = g_getenv ("JAVA_HOME");
  if (home) {
    gchar *p = g_build_filename (home, "lib", "server", "libjvm.so", NULL);
    if (g_file_test (p, G_FILE_TEST_EXISTS))
      return p;
    g_free (p);
  }
  gchar *java = g_find_program_in_path ("java");
  if (java) {
    char *real = realpath (java, NULL);
    g_free (java);
    if (real) {
      gchar *bin = g_path_get_dirname (real);
      gchar *jhome = g_path_get_dirname (bin);
      gchar *p = g_build_filename (jhome, "lib", "server", "libjvm.so", NULL);
      g_free (bin);
      g_free (jhome);
      free (real);
      if (g_file_test (p, G_FILE_TEST_EXISTS))
        return p;
      g_free (p);
    }
  }
  return NULL;
}

static gchar *
describe_exception (JNIEnv * env)
{
  jthrowable ex = (*env)->ExceptionOccurred (env);
  if (!ex)
    return g_strdup ("(no exception)");
  (*env)->ExceptionClear (env);
  jclass cls = (*env)->FindClass (env, "java/lang/Object");
  jmethodID to_string = (*env)->GetMethodID (env, cls, "toString", "()Ljava/lang/String;");
  jstring s = (jstring) (*env)->CallObjectMethod (env, ex, to_string);
  if ((*env)->ExceptionCheck (env) || !s) {
    (*env)->ExceptionClear (env);
    return g_strdup ("(exception without description)");
  }
  const char *chars = (*env)->GetStringUTFChars (env, s, NULL);
  gchar *out = g_strdup (chars);
  (*env)->ReleaseStringUTFChars (env, s, chars);
  return out;
}

static JavaVM *
existing_jvm (void)
{
  GetCreatedJavaVMs get = (GetCreatedJavaVMs) dlsym (RTLD_DEFAULT, "JNI_GetCreatedJavaVMs");
  JavaVM *vm = NULL;
  jsize n = 0;
  if (get && get (&vm, 1, &n) == JNI_OK && n > 0)
    return vm;
  return NULL;
}

static JavaVM *
start_jvm (const Config * c, const gchar * so_path, gchar ** why)
{
  gchar *libjvm = find_libjvm (c);
  if (!libjvm) {
    *why = g_strdup ("no JVM found: set jvm= in the plugin's .conf, or JAVA_HOME, or put java on PATH");
    return NULL;
  }
  void *lib = dlopen (libjvm, RTLD_NOW | RTLD_GLOBAL);
  if (!lib) {
    *why = g_strdup_printf ("cannot load %s: %s", libjvm, dlerror ());
    g_free (libjvm);
    return NULL;
  }
  CreateJavaVM create = (CreateJavaVM) dlsym (lib, "JNI_CreateJavaVM");
  if (!create) {
    *why = g_strdup_printf ("%s has no JNI_CreateJavaVM", libjvm);
    g_free (libjvm);
    return NULL;
  }
  JavaVMOption opts[MAX_OPTIONS + 4];
  int n = 0;
  gchar *cp = g_strdup_printf ("-Djava.class.path=%s", c->classpath);
  opts[n++].optionString = cp;
  opts[n++].optionString = "-Xrs";      /* leave SIGINT/SIGTERM/SIGQUIT to the host program */
  /* With -Xrs the JVM opens its attach socket, /tmp/.java_pid<pid>, at start instead of on demand,
   * and a host that is killed or leaves through _exit (gst-plugin-scanner, an editor closed by its
   * window manager) leaves it behind. An option=-XX:-DisableAttachMechanism line in the conf (read
   * after this) turns attaching (jcmd, jstack) back on for debugging. */
  opts[n++].optionString = "-XX:+DisableAttachMechanism";
  gchar *origin = g_strdup_printf ("-Dspacetime.plugin=%s", so_path);
  opts[n++].optionString = origin;
  for (int i = 0; i < c->n_options; i++)
    opts[n++].optionString = c->options[i];
  JavaVMInitArgs args = {.version = JNI_VERSION_1_8,.nOptions = n,.options = opts,.ignoreUnrecognized = JNI_FALSE };

  struct sigaction before_segv, before_bus;
  sigaction (SIGSEGV, NULL, &before_segv);
  sigaction (SIGBUS, NULL, &before_bus);
  JavaVM *vm = NULL;
  JNIEnv *env = NULL;
  jint rc = create (&vm, (void **) &env, &args);
  g_free (cp);
  g_free (origin);
  if (rc != JNI_OK) {
    *why = g_strdup_printf ("JNI_CreateJavaVM(%s) failed with %d", libjvm, rc);
    g_free (libjvm);
    return NULL;
  }
  GST_INFO ("started JVM %s", libjvm);
  g_free (libjvm);
  sigaction (SIGSEGV, NULL, &jvm_segv);
  sigaction (SIGBUS, NULL, &jvm_bus);
  have_jvm_handlers = TRUE;
  return vm;
}

static gboolean
plugin_init (GstPlugin * plugin)
{
  GST_DEBUG_CATEGORY_INIT (spacetime_debug, "spacetime", 0, "Spacetime plugin loader");
  gboolean ok = FALSE;
  gchar *why = NULL, *conf_path = NULL, *layout = NULL;
  Config config = { 0 };

  gchar *so_path = own_path ();
  if (!so_path) {
    why = g_strdup ("cannot find the plugin's own path (dladdr)");
    goto done;
  }
  conf_path = g_str_has_suffix (so_path, ".so")
      ? g_strdup_printf ("%.*s.conf", (int) strlen (so_path) - 3, so_path) : g_strdup_printf ("%s.conf", so_path);

  /* Rescan when the conf or any class path directory changes (jar updates), even after a failure. */
  gchar *conf_dir = g_path_get_dirname (conf_path);
  gchar *conf_name = g_path_get_basename (conf_path);
  gst_plugin_add_dependency_simple (plugin, "JAVA_HOME", conf_dir, conf_name, GST_PLUGIN_DEPENDENCY_FLAG_NONE);
  g_free (conf_dir);
  g_free (conf_name);

  if (!read_config (conf_path, &config, &why))
    goto done;
  {
    gchar **entries = g_strsplit (config.classpath, ":", -1);
    GString *dirs = g_string_new (NULL);
    for (gchar ** e = entries; *e; e++) {
      gchar *d = g_file_test (*e, G_FILE_TEST_IS_DIR) ? g_strdup (*e) : g_path_get_dirname (*e);
      if (!strstr (dirs->str, d))
        g_string_append_printf (dirs, "%s%s", dirs->len ? ":" : "", d);
      g_free (d);
    }
    gst_plugin_add_dependency_simple (plugin, NULL, dirs->str, NULL, GST_PLUGIN_DEPENDENCY_FLAG_NONE);
    g_string_free (dirs, TRUE);
    g_strfreev (entries);
  }

  JavaVM *vm = existing_jvm ();
  if (!vm)
    vm = start_jvm (&config, so_path, &why);
  if (!vm)
    goto done;

  JNIEnv *env = NULL;
  if ((*vm)->GetEnv (vm, (void **) &env, JNI_VERSION_1_8) == JNI_EDETACHED) {
    JavaVMAttachArgs attach = {.version = JNI_VERSION_1_8,.name = "gst-plugin-init",.group = NULL };
    if ((*vm)->AttachCurrentThreadAsDaemon (vm, (void **) &env, &attach) != JNI_OK) {
      why = g_strdup ("cannot attach this thread to the JVM");
      goto done;
    }
  }
  jclass entry = (*env)->FindClass (env, ENTRY_CLASS);
  if (!entry) {
    gchar *ex = describe_exception (env);
    why = g_strdup_printf ("class %s not found on classpath %s: %s", ENTRY_CLASS, config.classpath, ex);
    g_free (ex);
    goto done;
  }
  jmethodID init = (*env)->GetStaticMethodID (env, entry, "init", "(JJLjava/lang/String;)Z");
  jmethodID last_error = (*env)->GetStaticMethodID (env, entry, "lastError", "()Ljava/lang/String;");
  if (!init || !last_error) {
    gchar *ex = describe_exception (env);
    why = g_strdup_printf ("%s lacks init/lastError: %s", ENTRY_CLASS, ex);
    g_free (ex);
    goto done;
  }
  layout = layout_string ();
  jstring jlayout = (*env)->NewStringUTF (env, layout);
  jboolean registered = (*env)->CallStaticBooleanMethod (env, entry, init, (jlong) (gintptr) plugin,
      (jlong) (gintptr) spacetime_restore_jvm_signals, jlayout);
  if ((*env)->ExceptionCheck (env)) {
    why = describe_exception (env);
    goto done;
  }
  if (!registered) {
    jstring s = (jstring) (*env)->CallStaticObjectMethod (env, entry, last_error);
    const char *chars = s ? (*env)->GetStringUTFChars (env, s, NULL) : NULL;
    why = g_strdup (chars ? chars : "unknown reason");
    if (chars)
      (*env)->ReleaseStringUTFChars (env, s, chars);
    goto done;
  }
  ok = TRUE;

done:
  if (!ok) {
    GST_ERROR ("spacetime plugin not loaded: %s", why);
    g_printerr ("spacetime: plugin not loaded: %s\n", why);
  }
  g_free (why);
  g_free (layout);
  g_free (conf_path);
  g_free (so_path);
  config_clear (&config);
  return ok;
}

#define PACKAGE "spacetime"
GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, spacetime,
    "Spacetime: latent video diffusion (generate and extend video), elements written in Java",
    plugin_init, "0.1.0", "LGPL", "spacetime", "https://github.com/spacetime-video/spacetime")
