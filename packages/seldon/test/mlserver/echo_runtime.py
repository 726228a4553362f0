"""A custom MLServer runtime that returns every input through MLServer's own codecs.

Numeric and BOOL inputs are decoded to numpy arrays with NumpyCodec and encoded back; BYTES
inputs go through StringCodec. Request parameters are echoed as response parameters. Used to
check that the client's encoding of every datatype is what MLServer understands.
"""

from mlserver import MLModel
from mlserver.codecs import NumpyCodec, StringCodec
from mlserver.types import InferenceRequest, InferenceResponse, Parameters


class EchoModel(MLModel):
    async def load(self) -> bool:
        return True

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        outputs = []
        for tensor in payload.inputs:
            if tensor.datatype == "BYTES":
                values = StringCodec.decode_input(tensor)
                out = StringCodec.encode_output(tensor.name, values)
                out.shape = tensor.shape
            else:
                array = NumpyCodec.decode_input(tensor)
                out = NumpyCodec.encode_output(tensor.name, array)
            outputs.append(out)
        params = payload.parameters.model_dump(exclude_none=True) if payload.parameters else {}
        params.pop("headers", None)
        return InferenceResponse(
            model_name=self.name,
            id=payload.id,
            parameters=Parameters(**params),
            outputs=outputs,
        )
