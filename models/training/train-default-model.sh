#!/usr/bin/env bash
# Trains the default model (v2: per-frame autoencoder codes, 4 frames per latent frame) on this
# machine, resumably, then exports the package and evaluates it. The result lands in a run
# directory; models/spacetime-world-v1 is replaced by hand (export below) only when the evaluation
# says the new package is better than the shipped one.
#
#   models/training/train-default-model.sh [run-dir]          (default: runs/v2)
#
# Phases (each resumes where it stopped: run it again after an interruption, or in a later session):
#  1. autoencoder, VAE_STEPS steps of 32 frames on one core. Starts from, in this order: the run's
#     checkpoint; the committed state resume/v2-state.pt (autoencoder, text encoder and denoiser of
#     the last session's run: spacetime_train.train.save_resume_state); nothing.
#  2. text encoder + denoiser on cached latents for DIT_MINUTES of training: a producer renders and
#     encodes new clips on the second core while the trainer trains on the first. Starts from the
#     run's checkpoint, else from the shipped package: every tensor whose shape fits is copied
#     (INIT_PACKAGE; a v2 package continues where it stopped, the v1 package gives the text encoder
#     and the transformer a start on the new latents).
#  3. the decoder alone on the frozen encoder for DECODER_STEPS steps of 32 frames (sharper frames; the
#     latents, and so the denoiser, stay as they are), pixels at outlines weighted 5x (--edge-weight 4)
#     and the latents noised by the encoder's learned variance (about a tenth of their spread).
#  4. export to $run/package and evaluation to $run/package/eval (python3 -m spacetime_train.evaluate).
# Every phase trains under bfloat16 autocast where the device multiplies bfloat16 natively (GPUs, and
# CPUs with AVX512-BF16 or AMX: 2.5-3x the denoiser's steps per hour on the development machine's
# AMD EPYC); elsewhere in float32 (train.py --precision). The resumed state is written into the run
# directory at once, so the producer and every later phase continue from it.
# Time on the 2-core development machine: see models/README.md (phase times are in $run/train.log).
# GPU: DEVICE=cuda runs the phases there (the same code; the producer renders and encodes there too);
# several GPUs or machines: start train.py's denoiser phase under torchrun (DistributedDataParallel,
# gloo on CPU, NCCL on GPUs). The committed state is 2.6.0's: its denoiser went on past this
# schedule in two warm restarts on a GPU (train-on-gpu.sh, which trains on from any state, on a GPU
# or here with DEVICE=cpu), so with the defaults below this command trains nothing more and exports it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
run="${1:-runs/v2}"
py="${PYTHON:-/usr/bin/python3}"
VAE_STEPS="${VAE_STEPS:-2800}"       # the committed state's autoencoder step: more retrains the latents
DIT_MINUTES="${DIT_MINUTES:-1600}"   # the denoiser's cosine schedule, in training minutes over all sessions (2.4.0 stopped at 1599.5 of 1600; 2.3.0 stopped at 1502, 2.2.0 at 1413; 2.0.0 ran 1300 of 1300: models/README.md)
source "$here/denoiser-settings.sh"      # COHERENCE_WEIGHT, TIMESTEP_SHIFT, OBJECT_WEIGHT, TASK_MIX
RESTART_MINUTES="${RESTART_MINUTES:-0}"    # train on past DIT_MINUTES: a warm restart of this many minutes (train.py --restart-*; tried in the sixteenth session, not shipped; train-on-gpu.sh starts a fresh one)
DECODER_STEPS="${DECODER_STEPS:-27000}"  # decoder-only steps after the denoiser phase (2.0.0: 2500; 2.1.0: 17 810 of 20 000; 2.2.0: 27 000)
INIT_PACKAGE="${INIT_PACKAGE:-$here/../spacetime-world-v1}"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
device=(${DEVICE:+--device $DEVICE})
cd "$here"
mkdir -p "$run"

resume=()
if [ ! -f "$run/checkpoint.pt" ] && [ -f resume/v2-state.pt ]; then
  resume=(--resume-from resume/v2-state.pt)
fi
$py -m spacetime_train.train --out "$run" --phase vae --vae-steps "$VAE_STEPS" --vae-batch 32 --vae-lr 1.5e-3 --latent-noise 0.01 \
    --threads 1 "${resume[@]}" "${device[@]}"

rm -f "$run/dit.done"
# The trainer writes shards 0-7 before it starts; the producer adds from 8 on while it trains.
$py -m spacetime_train.latents --run "$run" --first 8 --until "$run/dit.done" --threads 1 "${device[@]}" > "$run/latents.log" 2>&1 &
producer=$!
trap 'touch "$run/dit.done"; kill $producer 2>/dev/null || true' EXIT
$py -m spacetime_train.train --out "$run" --phase dit --dit-steps 100000 --dit-minutes "$DIT_MINUTES" --dit-batch 32 \
    --dit-lr 3e-4 --coherence-weight "$COHERENCE_WEIGHT" --object-weight "$OBJECT_WEIGHT" --task-mix "$TASK_MIX" \
    --restart-minutes "$RESTART_MINUTES" --restart-task-mix "$TASK_MIX" \
    --timestep-shift "$TIMESTEP_SHIFT" --min-shards 8 --init-package "$INIT_PACKAGE" --threads 1 "${device[@]}"
touch "$run/dit.done"
wait $producer || true
$py -m spacetime_train.train --out "$run" --phase decoder --decoder-steps "$DECODER_STEPS" --decoder-lr 5e-4 --vae-batch 32 \
    --edge-weight 4 --threads 1 "${device[@]}"

$py -m spacetime_train.export --weights "$run/weights.pt" --out "$run/package" --fixtures "$run/fixtures" \
    --version "${VERSION:-2.6.0}"
cp "$run/train.log" "$run/package/TRAINING.log"
OPENBLAS_NUM_THREADS=$(nproc) $py -m spacetime_train.evaluate --weights "$run/weights.pt" --out "$run/package/eval" \
    --n 96 --threads "$(nproc)"
echo "package: $run/package (evaluation: $run/package/eval/evaluation.md); to ship it, when it is better:"
echo "  rm -rf ../spacetime-world-v1/* && cp -r $run/package/. ../spacetime-world-v1/ && cp $run/fixtures/* ../runtime-fixtures/"
