# The shipped denoiser's training settings, sourced by train-default-model.sh and train-on-gpu.sh so
# that both train the same losses on the same tasks (each can be overridden from the environment).
COHERENCE_WEIGHT="${COHERENCE_WEIGHT:-2}"  # train.py --coherence-weight (models/README.md, ninth session)
TIMESTEP_SHIFT="${TIMESTEP_SHIFT:-3}"      # train.py --timestep-shift (models/README.md, tenth session)
OBJECT_WEIGHT="${OBJECT_WEIGHT:-5}"        # train.py --object-weight (models/README.md, fifteenth session: 2.3.0 used it from step 31 250 on)
TASK_MIX="${TASK_MIX:-0.25,0.35,0.20,0.10,0.10}"  # train.py --task-mix (sixteenth session: 2.4.0 used it from step 34 250 on, the default 0.40,0.25,0.15,0.10,0.10 before)
