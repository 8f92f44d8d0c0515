# Spacetime for Pitivi: Generate, Extend, Connect and Restyle clips with the spacetime GStreamer
# elements, rendered in the background to files in the project's folder and placed on the timeline.
"""Spacetime clips in Pitivi (a libpeas plugin).

Each task is an application action taking one string: "" opens its dialog; a JSON object runs it
with those settings (what the dialog would send), so scripts and tests drive the same code:

    app.spacetime-generate  {"prompt", "negative_prompt", "duration", "width", "height", "seed",
                             "steps", "at_playhead"}
    app.spacetime-extend    {"clip", "direction": "forward"|"backward", "duration", "prompt", "seed"}
    app.spacetime-connect   {"clips": [first, second], "duration", "prompt", "seed"}
    app.spacetime-restyle   {"clip", "strength", "prompt", "seed"}
    app.spacetime-cancel    stops the render in progress (as its dialog's Cancel button does)

"clip"/"clips" name timeline clips (GES names, e.g. "uriclip0"); without them the selection is used.
Renders run one at a time with a progress dialog fed by the elements' progress messages; Cancel
stops them. On failure or cancel the project is unchanged and the partial file is removed.
"""
import json
import logging
import os
from gettext import gettext as _

from gi.repository import GES
from gi.repository import Gio
from gi.repository import GLib
from gi.repository import GObject
from gi.repository import Gst
from gi.repository import GstPbutils
from gi.repository import Gtk
from gi.repository import Peas

LOG = logging.getLogger("spacetime")
ENCODE = "videoconvert ! x264enc ! mp4mux ! filesink name=sink"
TASKS = ("generate", "extend", "connect", "restyle")
CANCELLED = "cancelled"


class Stage:
    """One pipeline of a job: a gst-launch description whose named elements get properties."""

    def __init__(self, description, properties=None):
        self.description = description
        self.properties = properties or {}      # {element name: {property: value}}

    def pipeline(self):
        pipeline = Gst.parse_launch(self.description)
        for name, props in self.properties.items():
            element = pipeline.get_by_name(name)
            for key, value in props.items():
                spec = element.find_property(key)
                if isinstance(value, str) and GObject.type_is_a(spec.value_type, GObject.TYPE_ENUM):
                    Gst.util_set_object_arg(element, key, value)     # an enum by its nick
                else:
                    element.set_property(key, value)
        return pipeline


class Cut:
    """The used part of a timeline clip, rendered by GES to a lossless file at the clip's own format.

    GES trims sources the way the timeline does; a flushing seek on a plain decoding pipeline would
    also flush its muxer (mp4mux and matroskamux then write files without playable streams)."""

    def __init__(self, clip, inpoint, duration, output):
        self.asset = clip.get_asset()
        self.inpoint, self.duration, self.output = inpoint, duration, output

    def pipeline(self):
        video = self.asset.get_info().get_video_streams()[0]
        timeline = GES.Timeline.new()
        track = GES.VideoTrack.new()
        track.set_restriction_caps(Gst.Caps.from_string("video/x-raw,width=%d,height=%d,framerate=%d/%d" % (
            video.get_width(), video.get_height(), video.get_framerate_num(), max(1, video.get_framerate_denom()))))
        timeline.add_track(track)
        timeline.append_layer().add_asset(self.asset, 0, self.inpoint, self.duration, GES.TrackType.VIDEO)
        profile = GstPbutils.EncodingContainerProfile.new("lossless", None, Gst.Caps.from_string("video/x-matroska"),
                                                         None)
        video_profile = GstPbutils.EncodingVideoProfile.new(Gst.Caps.from_string("video/x-ffv,ffvversion=(int)1"),
                                                            None, None, 0)
        # The track already runs at the clip's rate (GES puts a videorate in every source). encodebin's
        # own videorate would only drop: it lost the last frame in about half the renders under load.
        video_profile.set_variableframerate(True)
        profile.add_profile(video_profile)
        pipeline = GES.Pipeline()
        pipeline.set_timeline(timeline)
        pipeline.set_render_settings(Gst.filename_to_uri(self.output), profile)
        pipeline.set_mode(GES.PipelineFlags.RENDER)
        return pipeline

    def shortfall(self):
        """None when the rendered file holds the whole cut, else what is missing: a guard, so that a
        render that ends early is rendered again or fails the job, never used short."""
        video = self.asset.get_info().get_video_streams()[0]
        frame = Gst.util_uint64_scale(Gst.SECOND, max(1, video.get_framerate_denom()), max(1, video.get_framerate_num()))
        try:
            got = GstPbutils.Discoverer.new(10 * Gst.SECOND).discover_uri(Gst.filename_to_uri(self.output)).get_duration()
        except GLib.Error as e:
            return _("the cut cannot be read: %s") % e.message
        def frames(t):      # frames that start before t (the last one may be cut short)
            return -(-(t - frame // 100) // frame)
        if frames(got) < frames(self.duration):
            return _("the cut holds %.3f s of %.3f s") % (got / Gst.SECOND, self.duration / Gst.SECOND)
        return None


class Job:
    """Stages run in order; the last one writes `output`. `place(asset)` puts the result on the timeline."""

    def __init__(self, title, stages, output, place, scratch=()):
        self.title = title
        self.stages = stages
        self.output = output
        self.place = place
        self.scratch = list(scratch)            # intermediate files, removed at the end


class Runner:
    """Runs a job's stages on the main loop; reports progress (0..1) and ends with done(error or None)."""

    def __init__(self, job, progress, done):
        self.job = job
        self.progress = progress
        self.done = done
        self.pipeline = None
        self.index = -1
        self.tries = 0

    def start(self):
        self._next()

    def cancel(self):
        self._finish(CANCELLED)

    def _next(self):
        self._stop_pipeline()
        self.index += 1
        self.tries = 0
        if self.index == len(self.job.stages):
            self._finish(None)
            return
        self._run_stage()

    def _run_stage(self):
        self.tries += 1
        try:
            self.pipeline = self.job.stages[self.index].pipeline()
        except GLib.Error as e:
            self._finish(_("cannot build the pipeline: %s") % e.message)
            return
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self._message_cb)
        if self.pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            error = self._pending_error()
            self._finish(error or _("the pipeline could not start"))

    def _pending_error(self):
        message = self.pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
        return message.parse_error()[0].message if message else None

    def _message_cb(self, bus, message):
        if self.pipeline is None or message.src is None:
            return
        if message.type == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            LOG.warning("%s: %s (%s)", self.job.title, error.message, debug)
            self._finish(error.message)
        elif message.type == Gst.MessageType.EOS:
            self._stage_done()
        elif message.type == Gst.MessageType.PROGRESS:
            structure = message.get_structure()
            ok, percent = structure.get_int("percent")
            if ok:
                stages = len(self.job.stages)
                self.progress((self.index + percent / 100.0) / stages)

    def _stage_done(self):
        stage = self.job.stages[self.index]
        missing = stage.shortfall() if hasattr(stage, "shortfall") else None
        if missing is None:
            self._next()
        elif self.tries < 3:
            LOG.warning("%s: %s; rendering it again", self.job.title, missing)
            self._stop_pipeline()
            self._run_stage()
        else:
            self._finish(missing)

    def _stop_pipeline(self):
        if self.pipeline is not None:
            self.pipeline.get_bus().remove_signal_watch()
            self.pipeline.set_state(Gst.State.NULL)
            self.pipeline = None

    def _finish(self, error):
        if self.done is None:
            return
        self._stop_pipeline()
        for path in self.job.scratch + ([self.job.output] if error else []):
            if os.path.exists(path):
                os.remove(path)
        done, self.done = self.done, None
        done(error)


class SettingsDialog(Gtk.Dialog):
    """A form: one row per field (name, label, kind, default, extra)."""

    def __init__(self, parent, title, fields):
        Gtk.Dialog.__init__(self, title=title, transient_for=parent, modal=False)
        self.add_button(_("Cancel"), Gtk.ResponseType.CANCEL)
        self.add_button(_("Render"), Gtk.ResponseType.OK).get_style_context().add_class("suggested-action")
        grid = Gtk.Grid(row_spacing=6, column_spacing=12, margin=12)
        self.get_content_area().add(grid)
        self.widgets = {}
        for row, (name, label, kind, default, extra) in enumerate(fields):
            grid.attach(Gtk.Label(label=label, xalign=1), 0, row, 1, 1)
            if kind == "text":
                widget = Gtk.Entry(text=default, width_chars=48)
            elif kind == "number":
                low, high, step, digits = extra
                widget = Gtk.SpinButton.new_with_range(low, high, step)
                widget.set_digits(digits)
                widget.set_value(default)
            elif kind == "choice":
                widget = Gtk.ComboBoxText()
                for choice in extra:
                    widget.append(choice, choice)
                widget.set_active_id(default)
            else:
                widget = Gtk.CheckButton(active=default)
            grid.attach(widget, 1, row, 1, 1)
            self.widgets[name] = (kind, widget)
        self.show_all()

    def values(self):
        out = {}
        for name, (kind, widget) in self.widgets.items():
            if kind == "text":
                out[name] = widget.get_text()
            elif kind == "number":
                out[name] = widget.get_value()
            elif kind == "choice":
                out[name] = widget.get_active_id()
            else:
                out[name] = widget.get_active()
        return out


class ProgressDialog(Gtk.Dialog):
    def __init__(self, parent, title, cancel):
        Gtk.Dialog.__init__(self, title=title, transient_for=parent, modal=False)
        self.add_button(_("Cancel"), Gtk.ResponseType.CANCEL)
        self.bar = Gtk.ProgressBar(show_text=True, margin=12)
        self.get_content_area().add(self.bar)
        self.connect("response", lambda *unused: cancel())
        self.show_all()

    def set_fraction(self, fraction):
        self.bar.set_fraction(max(0.0, min(1.0, fraction)))


def model_sizes():
    """The default model's trained sizes (width, height), read from the package the installed
    GStreamer plugin uses (its libgstspacetime.conf names the models folder)."""
    try:
        plugin = Gst.Registry.get().find_plugin("spacetime")
        conf = os.path.join(os.path.dirname(plugin.get_filename()), "libgstspacetime.conf")
        with open(conf, encoding="utf-8") as f:
            models = [line.split("=", 2)[2].strip() for line in f if line.startswith("option=-Dspacetime.models=")][0]
        with open(os.path.join(models, "spacetime-world-v1", "model.json"), encoding="utf-8") as f:
            return [tuple(size) for size in json.load(f)["video"]["allowed_sizes"]["trained"]]
    except (AttributeError, IndexError, OSError, KeyError, ValueError) as e:
        LOG.warning("the default model's sizes are unknown (%s): offering 64x64", e)
        return [(64, 64)]


class SpacetimePlugin(GObject.Object, Peas.Activatable):
    """Adds Generate, Extend, Connect and Restyle to Pitivi's main menu and as app actions."""
    __gtype_name__ = "SpacetimePlugin"
    object = GObject.Property(type=GObject.Object)

    def __init__(self):
        GObject.Object.__init__(self)
        self.app = None
        self.actions = []
        self.buttons = []
        self.runner = None
        self.counter = 0

    # -- activation ------------------------------------------------------------------------------

    def do_activate(self):
        self.app = self.object.app
        labels = {"generate": _("Generate clip…"), "extend": _("Extend clip…"),
                  "connect": _("Connect clips…"), "restyle": _("Restyle clip…")}
        box = self.app.gui.editor.builder.get_object("menu").get_child()
        for task in TASKS:
            action = Gio.SimpleAction.new("spacetime-" + task, GLib.VariantType.new("s"))
            action.connect("activate", self._activate_cb, task)
            self.app.add_action(action)
            self.actions.append(action)
            button = Gtk.ModelButton(text=labels[task], action_name="app.spacetime-" + task,
                                     action_target=GLib.Variant("s", ""), visible=True)
            box.add(button)
            self.buttons.append(button)
        cancel = Gio.SimpleAction.new("spacetime-cancel", None)
        cancel.connect("activate", lambda *unused: self.runner and self.runner.cancel())
        self.app.add_action(cancel)
        self.actions.append(cancel)

    def do_deactivate(self):
        if self.runner:
            self.runner.cancel()
        for action in self.actions:
            self.app.remove_action(action.get_name())
        for button in self.buttons:
            button.destroy()
        self.actions, self.buttons, self.app = [], [], None

    # -- actions ---------------------------------------------------------------------------------

    def _activate_cb(self, unused_action, parameter, task):
        text = parameter.get_string()
        if text:
            try:
                settings = json.loads(text)
            except ValueError as e:
                self._error(_("Spacetime %s: the settings are not JSON: %s") % (task, e))
                return
            self._run(task, settings)
            return
        fields = self._fields(task)
        dialog = SettingsDialog(self.app.gui, _("Spacetime: %s") % task.capitalize(), fields)

        def response_cb(dialog, response):
            values = dialog.values()
            dialog.destroy()
            if response == Gtk.ResponseType.OK:
                self._run(task, values)
        dialog.connect("response", response_cb)

    def _fields(self, task):
        prompt = ("prompt", _("Prompt"), "text", "", None)
        seed = ("seed", _("Seed"), "number", 0, (0, 2 ** 31 - 1, 1, 0))
        if task == "generate":
            sizes = ["%dx%d" % size for size in model_sizes()]
            return [prompt, ("negative_prompt", _("Negative prompt"), "text", "", None),
                    ("duration", _("Duration (s)"), "number", 4, (0.5, 60, 0.5, 1)),
                    ("size", _("Size"), "choice", sizes[0], sizes), seed,
                    ("steps", _("Steps (0: the model's)"), "number", 0, (0, 200, 1, 0)),
                    ("at_playhead", _("Place at the playhead"), "check", True, None)]
        if task == "extend":
            return [("direction", _("Direction"), "choice", "forward", ["forward", "backward"]),
                    ("duration", _("Duration (s)"), "number", 2, (0.5, 60, 0.5, 1)), prompt, seed]
        if task == "connect":
            return [("duration", _("Duration (s)"), "number", 2, (0.5, 2, 0.5, 1)), prompt, seed]
        return [("strength", _("Strength"), "number", 0.5, (0, 1, 0.05, 2)), prompt, seed]

    def _run(self, task, settings):
        if self.runner is not None:
            self._error(_("Spacetime is already rendering; wait for it or cancel it"))
            return
        try:
            job = getattr(self, "_" + task)(settings)
        except ValueError as e:
            self._error(str(e))
            return
        dialog = ProgressDialog(self.app.gui, job.title, lambda: self.runner and self.runner.cancel())

        def done(error):
            self.runner = None
            dialog.destroy()
            if error == CANCELLED:
                LOG.warning("%s: cancelled; nothing was added", job.title)
            elif error:
                self._error(_("%s failed: %s") % (job.title, error))
            else:
                self._add(job)
        self.runner = Runner(job, dialog.set_fraction, done)
        self.runner.start()

    # -- the tasks -------------------------------------------------------------------------------

    def _generate(self, s):
        duration = float(s.get("duration", 4))
        width, height = s.get("width"), s.get("height")
        if "size" in s:
            width, height = (int(v) for v in s["size"].split("x"))
        props = {"prompt": s.get("prompt", ""), "negative-prompt": s.get("negative_prompt", ""),
                 "duration": duration, "seed": int(s.get("seed", 0)), "steps": int(s.get("steps", 0))}
        caps = "video/x-raw,width=%d,height=%d" % (width, height) if width else "video/x-raw"
        output = self._output("generate")
        position = self._playhead() if s.get("at_playhead", True) else None

        def place(asset):
            if position is not None:
                self._place(asset, position, 0, asset.get_duration())
        return Job(_("Generating a clip"), [Stage("spacetimesrc name=gen ! %s ! %s" % (caps, ENCODE),
                                                  {"gen": props, "sink": {"location": output}})], output, place)

    def _extend(self, s):
        clip = self._clips(s, 1)[0]
        duration = int(float(s.get("duration", 2)) * Gst.SECOND)
        forward = s.get("direction", "forward") == "forward"
        if not forward and clip.start < duration:
            raise ValueError(_("Not enough room before the clip: it starts at %.2f s, the lead-in is %.2f s")
                             % (clip.start / Gst.SECOND, duration / Gst.SECOND))
        output = self._output("extend")
        cut = Cut(clip, clip.inpoint, clip.duration, output + ".clip.mkv")
        props = {"ext": {"duration": duration / Gst.SECOND, "direction": "forward" if forward else "backward",
                         "prompt": s.get("prompt", ""), "seed": int(s.get("seed", 0))},
                 "src": {"location": cut.output}, "sink": {"location": output}}
        stages = [cut, Stage("filesrc name=src ! decodebin ! videoconvert ! spacetimeextend name=ext ! " + ENCODE, props)]

        def place(asset):
            # The file holds the clip and the generated part: only the generated part goes on the timeline.
            if forward:
                self._place(asset, clip.start + clip.duration, clip.duration, duration)
            else:
                self._place(asset, clip.start - duration, 0, duration)
        return Job(_("Extending %s") % clip.get_name(), stages, output, place, scratch=[cut.output])

    def _connect(self, s):
        first, second = sorted(self._clips(s, 2), key=lambda c: c.start)
        duration = int(float(s.get("duration", 2)) * Gst.SECOND)
        context = 2 * Gst.SECOND
        tail = min(context, first.duration)
        head = min(context, second.duration)
        output = self._output("connect")
        cuts = [Cut(first, first.inpoint + first.duration - tail, tail, output + ".first.mkv"),
                Cut(second, second.inpoint, head, output + ".second.mkv")]
        parts = [cut.output for cut in cuts]
        stages = list(cuts)
        stages.append(Stage("concat name=c ! spacetimeconnect name=con ! %s "
                            "filesrc name=a ! decodebin ! videoconvert ! c. "
                            "filesrc name=b ! decodebin ! videoconvert ! c." % ENCODE,
                            {"con": {"duration": duration / Gst.SECOND, "prompt": s.get("prompt", ""),
                                     "seed": int(s.get("seed", 0))},
                             "a": {"location": parts[0]}, "b": {"location": parts[1]},
                             "sink": {"location": output}}))

        def place(asset):
            # Room between the clips: the second clip and what follows it on its layer move later.
            needed = first.start + first.duration + duration - second.start
            if needed > 0:
                layer = second.get_layer()
                for clip in sorted(layer.get_clips(), key=lambda c: -c.start):
                    if clip.start >= second.start:
                        clip.set_start(clip.start + needed)
            self._place(asset, first.start + first.duration, tail, duration, layer=first.get_layer())
        return Job(_("Connecting %s and %s") % (first.get_name(), second.get_name()), stages, output, place,
                   scratch=parts)

    def _restyle(self, s):
        clip = self._clips(s, 1)[0]
        output = self._output("restyle")
        cut = Cut(clip, clip.inpoint, clip.duration, output + ".clip.mkv")
        props = {"style": {"strength": float(s.get("strength", 0.5)), "prompt": s.get("prompt", ""),
                           "seed": int(s.get("seed", 0))},
                 "src": {"location": cut.output}, "sink": {"location": output}}
        stages = [cut, Stage("filesrc name=src ! decodebin ! videoconvert ! spacetimerestyle name=style ! " + ENCODE,
                             props)]

        def place(asset):
            self._place(asset, clip.start, 0, clip.duration)      # on a free layer: the original stays
        return Job(_("Restyling %s") % clip.get_name(), stages, output, place, scratch=[cut.output])

    # -- the project -----------------------------------------------------------------------------

    def _project(self):
        return self.app.project_manager.current_project

    def _output(self, task):
        """A new file in the project's folder (or the videos folder for an unsaved project)."""
        uri = self._project().get_uri()
        folder = os.path.dirname(Gst.uri_get_location(uri)) if uri else (
            GLib.get_user_special_dir(GLib.UserDirectory.DIRECTORY_VIDEOS) or os.path.expanduser("~"))
        while True:
            self.counter += 1
            path = os.path.join(folder, "spacetime-%s-%d.mp4" % (task, self.counter))
            if not os.path.exists(path):
                return path

    def _playhead(self):
        try:
            return self._project().pipeline.get_position()
        except Exception:      # no position yet (nothing played): the start
            return 0

    def _clips(self, settings, count):
        timeline = self._project().ges_timeline
        names = settings.get("clips") or ([settings["clip"]] if "clip" in settings else None)
        if names:
            clips = [timeline.get_element(name) for name in names]
            if None in clips:
                raise ValueError(_("No clip named %s on the timeline") % names[clips.index(None)])
        else:
            clips = [c for c in self.app.gui.editor.timeline_ui.timeline.selection
                     if isinstance(c, GES.UriClip)]
        if len(clips) != count:
            raise ValueError(_("Select %d clip(s) on the timeline (%d selected)") % (count, len(clips)))
        return clips

    def _add(self, job):
        """Adds the rendered file to the media library, then lets the job place it."""
        project = self._project()
        uri = Gst.filename_to_uri(job.output)

        def asset_added_cb(project, asset):
            if asset.get_id() != uri:
                return
            project.disconnect(handler)
            job.place(asset)
            project.pipeline.commit_timeline()
        handler = project.connect("asset-added", asset_added_cb)
        project.add_uris([uri])

    def _place(self, asset, start, inpoint, duration, layer=None):
        """Adds a clip of the asset on the given layer, or the first layer free there, or a new one."""
        timeline = self._project().ges_timeline
        candidates = [layer] if layer else timeline.get_layers()
        for candidate in candidates:
            if all(c.start + c.duration <= start or c.start >= start + duration for c in candidate.get_clips()):
                break
        else:
            candidate = timeline.append_layer()
        with self.app.action_log.started("add spacetime clip", toplevel=True):
            candidate.add_asset(asset, start, inpoint, duration, GES.TrackType.UNKNOWN)

    def _error(self, text):
        LOG.warning("%s", text)
        dialog = Gtk.MessageDialog(transient_for=self.app.gui, modal=False, message_type=Gtk.MessageType.ERROR,
                                   buttons=Gtk.ButtonsType.CLOSE, text=_("Spacetime"), secondary_text=text)
        dialog.connect("response", lambda d, r: d.destroy())
        dialog.show()
