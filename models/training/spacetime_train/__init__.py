"""Training, export and evaluation of Spacetime's default model (World v1)."""
