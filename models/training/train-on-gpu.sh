#!/usr/bin/env bash
# Continues the default model's denoiser on one GPU, from the committed state (resume/v2-state.pt),
# in a few minutes: two producers render and encode new World clips on the GPU while one trainer per
# variant (a peak learning rate each) trains beside them on the same growing latent cache. Each
# variant is a warm restart of train-default-model.sh's denoiser phase (same losses, task mix and
# noise levels; a fresh optimiser, 300 steps of warm-up, a cosine over MINUTES to a tenth), with
# the whole cache in GPU memory and batches of BATCH windows (the CPU run took 32).
#
#   models/training/train-on-gpu.sh OUT-DIR [name:peak-lr ...]       (default: a:8e-4 b:3e-4)
#
# OUT-DIR receives, per variant, <name>-state.pt (spacetime_train.train.save_resume_state: the
# evaluation's --weights and a later run's --resume-from) and <name>.log, refreshed every 90 s so a
# run cut short still leaves its last checkpoint, plus the producers' logs. Written for a lent H200 with
# 15 minutes of device time in all (models/README.md, twenty-fifth session); with DEVICE=cpu and a
# small MINUTES and BATCH it runs here too (tests/test_train_on_gpu.py).
# MINUTES (7.5), BATCH (384), SHARDS (shards the producers stop at; 1000), SHARD_CLIPS (64), FIRST_SHARDS
# (written before training starts; 16), DEVICE (cuda), FROM (the state to start from: a variant's
# <name>-state.pt goes on; resume/v2-state.pt by default), WORK (run directories; by default a
# temporary one, removed at the end).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"; shift
if [ $# -gt 0 ]; then variants=("$@"); else variants=(a:8e-4 b:3e-4); fi
py="${PYTHON:-python3}"
MINUTES="${MINUTES:-7.5}"
BATCH="${BATCH:-384}"
SHARDS="${SHARDS:-1000}"
DEVICE="${DEVICE:-cuda}"
FROM="$(realpath "${FROM:-$here/resume/v2-state.pt}")"
FIRST_SHARDS="${FIRST_SHARDS:-16}"     # written by the first trainer before any trains; the producers write the rest
SHARD_CLIPS="${SHARD_CLIPS:-64}"
source "$here/denoiser-settings.sh"      # the shipped run's losses and task mix
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
if [ -n "${WORK:-}" ]; then work="$WORK"; mkdir -p "$work"; else work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work/latents"

# Every variant starts from the committed state (or FROM), its earlier warm restart forgotten (a new warm-up);
# the schedule's restart begins where the committed run's training time ended.
dit_minutes=$("$py" - "$FROM" "$work" "${variants[@]}" <<'EOF'
import os, sys, torch
state = torch.load(sys.argv[1], map_location="cpu", weights_only=False)
state.pop("restart_step", None)
for variant in sys.argv[3:]:
    run = os.path.join(sys.argv[2], variant.split(":")[0])
    os.makedirs(run, exist_ok=True)
    torch.save(state, os.path.join(run, "checkpoint.pt"))
    if not os.path.exists(os.path.join(run, "latents")):
        os.symlink(os.path.join(sys.argv[2], "latents"), os.path.join(run, "latents"))
print(f"{state.get('dit_seconds', 0.0) / 60 - 1e-3:.4f}")
EOF
)
echo "train-on-gpu: ${variants[*]}, $MINUTES min, batch $BATCH, device $DEVICE, denoiser trained $dit_minutes min before"

save_states() {
  for variant in "${variants[@]}"; do
    name="${variant%%:*}"
    "$py" -c "import sys; from spacetime_train.train import save_resume_state as s; s(sys.argv[1], sys.argv[2] + '.tmp')" \
        "$work/$name" "$out/$name-state.pt" && mv "$out/$name-state.pt.tmp" "$out/$name-state.pt"
    cp "$work/$name/train.log" "$out/$name.log" 2>/dev/null || true
  done
}

pids=() producers=()
for i in "${!variants[@]}"; do
  name="${variants[$i]%%:*}"; lr="${variants[$i]#*:}"
  # Only the first trainer writes the first shards; the others wait for them rather than render them again.
  # (If the first trainer ends before it wrote them, the others start anyway and write them themselves.)
  [ "$i" -eq 0 ] || while [ ! -f "$work/latents/shard-$(printf %06d $((FIRST_SHARDS - 1))).pt" ] \
      && kill -0 "${pids[0]}" 2>/dev/null; do sleep 1; done
  "$py" -m spacetime_train.train --out "$work/$name" --phase dit --device "$DEVICE" --threads 2 \
      --dit-steps 100000000 --dit-minutes "$dit_minutes" --dit-lr "$lr" --dit-batch "$BATCH" \
      --restart-minutes "$MINUTES" --restart-lr "$lr" --max-minutes "$(awk "BEGIN { print $MINUTES + 1 }")" \
      --coherence-weight "$COHERENCE_WEIGHT" --object-weight "$OBJECT_WEIGHT" --timestep-shift "$TIMESTEP_SHIFT" \
      --task-mix "$TASK_MIX" --restart-task-mix "$TASK_MIX" \
      --min-shards "$FIRST_SHARDS" --shard-clips "$SHARD_CLIPS" > "$work/$name.out" 2>&1 &
  pids+=($!)
  if [ "$i" -eq 0 ]; then   # two producers, each on half the remaining shard indices (a clip's content is fixed by its index)
    middle=$(( (FIRST_SHARDS + SHARDS) / 2 ))
    for range in "$FIRST_SHARDS $middle" "$middle $SHARDS"; do
      set -- $range
      "$py" -m spacetime_train.latents --run "$work/$name" --first "$1" --shards "$2" --device "$DEVICE" \
          --clips "$SHARD_CLIPS" --threads 2 --until "$work/done" > "$out/producer-$1.log" 2>&1 &
      producers+=($!)
    done
  fi
done

status=0 waited=0
while :; do
  running=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
  [ $running -eq 1 ] || break
  sleep 1
  waited=$((waited + 1))
  [ $((waited % 90)) -ne 0 ] || save_states || true
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { status=1; echo "train-on-gpu: variant ${variants[$i]} failed:"; tail -20 "$work/${variants[$i]%%:*}.out"; }
done
touch "$work/done"
wait "${producers[@]}" || true
save_states
for variant in "${variants[@]}"; do
  name="${variant%%:*}"
  echo "$name: $(grep ' dit step ' "$out/$name.log" | tail -1) | $(tail -1 "$out/$name.log")"
done
echo "latent cache: $(ls "$work/latents" | grep -c '^shard-.*pt$') shards of $SHARD_CLIPS clips"
exit $status
