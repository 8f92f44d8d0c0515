#!/usr/bin/env bash
# A live input that stalls, filled by spacetimeextend in real time at broadcast size, with the
# installed plugin. The input is RTP raw video over the loopback (64x64 at FPS, 3 s, then nothing),
# scaled to WxH before spacetimeextend (timeout=0.5, endless fill); the sink renders on the
# clock and drops frames more than 20 ms late (QoS). Real time = every frame of the stall on time,
# no QoS drops.
#
#   plugin/bench/stall-fill.sh [width] [height] [fps] [stall-seconds]     (default 1920 1080 50 10)
set -uo pipefail
w="${1:-1920}"; h="${2:-1080}"; fps="${3:-50}"; stall="${4:-10}"
work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] && echo "logs: $work" || rm -rf "$work"' EXIT
caps="application/x-rtp,media=video,encoding-name=RAW,sampling=RGB,depth=(string)8,width=(string)64,height=(string)64,clock-rate=90000"
timeout -s INT $((8 + 3 + stall)) gst-launch-1.0 -e -m udpsrc port=5006 caps="$caps" ! rtpjitterbuffer \
  ! rtpvrawdepay ! videoconvert ! videoscale ! videorate skip-to-first=true \
  ! video/x-raw,format=I420,width=$w,height=$h,framerate=$fps/1,pixel-aspect-ratio=1/1 \
  ! spacetimeextend timeout=0.5 duration=0 ! fakesink name=out sync=true qos=true max-lateness=20000000 \
  > "$work/receiver.log" 2>&1 &
receiver=$!
sleep 8   # JVM, model and sessions start in the receiver
gst-launch-1.0 -q videotestsrc is-live=true pattern=ball num-buffers=$((3 * fps)) \
  ! video/x-raw,format=RGB,width=64,height=64,framerate=$fps/1 ! rtpvrawpay ! udpsink host=127.0.0.1 port=5006
# The receiver's peak resident memory (VmHWM) near the end of the stall: queued input and generation.
sleep $((stall > 2 ? stall - 2 : 0))
gst_pid=$(pgrep -P $receiver -x gst-launch-1.0 | head -1)
peak=$( [ -n "$gst_pid" ] && awk '/VmHWM/ {printf "%d MB", $2 / 1024}' "/proc/$gst_pid/status" 2>/dev/null)
wait $receiver
rendered=$(grep -c "GstMessageQOS" "$work/receiver.log" || true)
dropped=$(grep "from element \"out\"" "$work/receiver.log" | grep -o "dropped=(guint64)[0-9]*" | tail -1 | grep -o "[0-9]*$")
# Lateness of the dropped frames (QoS jitter, ms), first and last: falling = the fill runs faster than real time.
late=$(grep "from element \"out\"" "$work/receiver.log" | grep -o "jitter=(gint64)[-0-9]*" | grep -o "[-0-9]*$" \
  | awk 'NR==1{f=$1} {l=$1} END{if (NR) printf "%d ms first, %d ms last", f/1e6, l/1e6; else printf "none"}')
echo "stall fill at ${w}x${h}@${fps}: ${stall} s of stall after 3 s of input; QoS messages: $rendered; frames dropped late (>20 ms): ${dropped:-0}; lateness of dropped frames: $late; receiver peak RSS: ${peak:-unknown}"
grep -m3 "ERROR" "$work/receiver.log"
[ "${dropped:-0}" -eq 0 ]
