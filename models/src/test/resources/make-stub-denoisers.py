"""Writes two stand-in denoisers with the package contract's inputs and output, for runtime tests:

- nan-denoiser.onnx: velocity = latents * NaN (the runtime's NaN/Inf check);
- zero-denoiser.onnx: velocity = latents * 0 (a denoiser that costs nothing, for the windowed
  generator's memory test over 10,000 windows).

    /usr/bin/python3 make-stub-denoisers.py   (python3-onnx from Debian)
"""
import onnx
from onnx import TensorProto, helper

DIMS = ["batch", "channels", "latent_frames", "latent_height", "latent_width"]


def stub(name, value):
    graph = helper.make_graph(
        [helper.make_node("Mul", ["latents", "factor"], ["velocity"])],
        name,
        [helper.make_tensor_value_info("latents", TensorProto.FLOAT, DIMS),
         helper.make_tensor_value_info("timesteps", TensorProto.FLOAT, ["batch", "latent_frames"]),
         helper.make_tensor_value_info("text_embeddings", TensorProto.FLOAT, ["batch", "tokens", "width"]),
         helper.make_tensor_value_info("text_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("velocity", TensorProto.FLOAT, DIMS)],
        [helper.make_tensor("factor", TensorProto.FLOAT, [], [value])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="spacetime-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, name + ".onnx")


stub("nan-denoiser", float("nan"))
stub("zero-denoiser", 0.0)
