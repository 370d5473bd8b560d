"""A padding-free forward pass for BERT encoders (the default model is one).

A length-sorted batch still pads every sequence to the batch's longest: on real text a quarter of the
positions are padding, and every dense layer (query/key/value, attention output, feed-forward: most of
the arithmetic) would compute them too. Here the dense layers and layer norms run on the real tokens
only, packed as (n_real, dim); only attention, which mixes the tokens of one sequence, scatters them
back to (batch, heads, length, head_dim) and runs PyTorch's scaled-dot-product attention with the
padding masked, as transformers' own ``sdpa`` path does. Same modules, same weights, same results
(tests/encoding/test_unpadded.py compares with the model's own forward). In bfloat16 on the CPU the dense
layers can instead run fused through oneDNN (`FusedLayer`: bias, GELU and residual in the matmul's epilogue),
within bfloat16's rounding of the model's own forward.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel


def supports_unpadded(model: PreTrainedModel) -> bool:
    """Whether `model` is a plain BERT encoder (absolute positions, no decoder, no chunked feed-forward)."""
    from transformers.models.bert.modeling_bert import BertModel, BertSelfAttention

    cfg = model.config
    layers: Any = getattr(getattr(model, "encoder", None), "layer", ())
    return (
        type(model) is BertModel
        and getattr(cfg, "position_embedding_type", "absolute") in (None, "absolute")
        and not cfg.is_decoder
        and not getattr(cfg, "add_cross_attention", False)
        and not getattr(cfg, "chunk_size_feed_forward", 0)
        and all(type(layer.attention.self) is BertSelfAttention for layer in layers)
    )


def unpadded_hidden_states(
    model: Any,
    input_ids: torch.Tensor,
    keep: torch.Tensor | None,
    mask: torch.Tensor | None,
    layers: set[int],
    fused: bool = False,
) -> dict[int, torch.Tensor]:
    """Hidden states of the real tokens, packed: {layer: (n_real, dim)} for each layer in `layers`
    (0 = the embeddings, as in ``hidden_states``).

    `input_ids` is (B, T); `keep` (n_real,) the flat indices of its real tokens and `mask` (B, T)
    bool, both None when no position is padded. `fused` runs the dense layers through oneDNN with
    bias, GELU and residual fused (`fused_layers`; only where `supports_fused`). Call under
    ``torch.inference_mode()``.
    """
    import torch
    import torch.nn.functional as F

    batch, length = input_ids.shape
    emb = model.embeddings(input_ids=input_ids)  # (B, T, dim)
    dim = emb.shape[-1]
    x = emb.reshape(batch * length, dim)
    spread = None  # (B * T,) each position's row among the real tokens (padding reads row 0: finite, masked)
    if keep is not None:
        x = x.index_select(0, keep)
        spread = torch.zeros(batch * length, dtype=torch.long, device=x.device)
        spread[keep] = torch.arange(len(keep), device=x.device)
    attn_mask = None if mask is None else mask[:, None, None, :]  # (B, 1, 1, T): keys to attend to

    out = {0: x} if 0 in layers else {}
    kernels = fused_layers(model) if fused else [None] * len(model.encoder.layer)
    for i, (layer, kernel) in enumerate(zip(model.encoder.layer, kernels, strict=True), start=1):
        sa = layer.attention.self
        heads = sa.num_attention_heads
        qkv = _fused_qkv(sa)(x) if kernel is None else kernel.qkv(x)  # (n_real, 3 * dim)
        if spread is not None:
            qkv = qkv.index_select(0, spread)  # (B * T, 3 * dim)
        q, k, v = qkv.view(batch, length, 3, heads, dim // heads).permute(2, 0, 3, 1, 4)  # (B, h, T, dh) each
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, scale=sa.scaling)
        a = a.transpose(1, 2).reshape(batch * length, dim)
        if keep is not None:
            a = a.index_select(0, keep)
        if kernel is None:
            x = layer.attention.output(a, x)  # dense, residual, layer norm
            x = layer.output(layer.intermediate(x), x)  # feed-forward, residual, layer norm
        else:
            x = kernel.feed_forward(kernel.attention_output(a, x))
        if i in layers:
            out[i] = x
        if i >= max(layers):
            break
    return out


def _fused_qkv(sa: Any) -> Any:
    """One linear layer for query, key and value (made once per attention module and kept on it)."""
    import torch

    fused = getattr(sa, "_ctxvec_qkv", None)
    if fused is None:
        parts = (sa.query, sa.key, sa.value)
        if not all(type(p) is torch.nn.Linear for p in parts):  # e.g. dynamically quantized: three calls
            return lambda x: torch.cat([p(x) for p in parts], dim=-1)
        fused = torch.nn.Linear(sa.query.in_features, 3 * sa.query.out_features, device=sa.query.weight.device)
        fused = fused.to(sa.query.weight.dtype)
        with torch.no_grad():
            fused.weight.copy_(torch.cat([p.weight for p in parts]))
            fused.bias.copy_(torch.cat([p.bias for p in parts]))
        object.__setattr__(sa, "_ctxvec_qkv", fused)  # not a submodule: the model's state_dict is unchanged
    return fused


FUSED_DTYPES = ("bfloat16",)
"""Compute precisions that run the fused dense layers (float32 keeps the model's own kernels: bit-identical)."""

ONEDNN_BATCH_HINT = 8192
"""Rows oneDNN lays the weights out for (any number of rows runs; this is the batch budget's order)."""


def supports_fused(model: Any) -> bool:
    """Whether `model` (already `supports_unpadded`) can run `fused_layers`: on the CPU, in a precision of
    `FUSED_DTYPES` that this CPU computes natively, with exact-GELU layers of plain ``Linear`` modules,
    and a PyTorch built with oneDNN's fused linear operators."""
    import torch

    layers: Any = model.encoder.layer
    if not len(layers) or not all(type(m) is torch.nn.Linear for layer in layers for m in _linears(layer)):
        return False  # e.g. dynamically quantized (int8) layers
    weight = layers[0].attention.self.query.weight
    return (
        weight.device.type == "cpu"
        and str(weight.dtype).removeprefix("torch.") in FUSED_DTYPES
        and torch.backends.mkldnn.is_available()
        and hasattr(torch.ops.mkldnn, "_linear_pointwise")
        and bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
        and getattr(model.config, "hidden_act", None) == "gelu"
    )


def fused_layers(model: Any) -> list[FusedLayer]:
    """Per encoder layer its `FusedLayer` (made once per model and kept on it, not as a submodule)."""
    kept: list[FusedLayer] | None = getattr(model, "_ctxvec_fused", None)
    if kept is None:
        kept = [FusedLayer(layer) for layer in model.encoder.layer]
        object.__setattr__(model, "_ctxvec_fused", kept)
    return kept


def _linears(layer: Any) -> tuple[Any, ...]:
    sa = layer.attention.self
    return (sa.query, sa.key, sa.value, layer.attention.output.dense, layer.intermediate.dense, layer.output.dense)


class FusedLayer:
    """One BERT layer's dense parts as oneDNN matmuls on weights packed in its own layout, with the bias,
    the GELU and the residual add computed in the matmul's epilogue (on its float32 accumulator, before
    rounding to bfloat16) instead of as separate passes over the activations. Same weights as the layer."""

    def __init__(self, layer: Any):
        import torch

        sa = layer.attention.self
        pack = torch.ops.mkldnn._reorder_linear_weight
        with torch.no_grad():
            self.qkv_weight = pack(torch.cat([sa.query.weight, sa.key.weight, sa.value.weight]), ONEDNN_BATCH_HINT)
            self.qkv_bias = torch.cat([sa.query.bias, sa.key.bias, sa.value.bias])
            self.out_weight = pack(layer.attention.output.dense.weight, ONEDNN_BATCH_HINT)
            self.up_weight = pack(layer.intermediate.dense.weight, ONEDNN_BATCH_HINT)
            self.down_weight = pack(layer.output.dense.weight, ONEDNN_BATCH_HINT)
        self.out_bias = layer.attention.output.dense.bias
        self.up_bias = layer.intermediate.dense.bias
        self.down_bias = layer.output.dense.bias
        self.norm1 = layer.attention.output.LayerNorm
        self.norm2 = layer.output.LayerNorm

    def qkv(self, x: torch.Tensor) -> torch.Tensor:
        """(n, dim) -> (n, 3 * dim): query, key and value side by side."""
        import torch

        return torch.ops.mkldnn._linear_pointwise(x, self.qkv_weight, self.qkv_bias, "none", [], "")

    def attention_output(self, a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """LayerNorm(dense(a) + x): attention's projection, residual and layer norm, (n, dim)."""
        import torch

        y = torch.ops.mkldnn._linear_pointwise.binary(a, x, self.out_weight, self.out_bias, "add")
        return self.norm1(y)

    def feed_forward(self, x: torch.Tensor) -> torch.Tensor:
        """LayerNorm(down(gelu(up(x))) + x), (n, dim)."""
        import torch

        h = torch.ops.mkldnn._linear_pointwise(x, self.up_weight, self.up_bias, "gelu", [], "none")
        y = torch.ops.mkldnn._linear_pointwise.binary(h, x, self.down_weight, self.down_bias, "add")
        return self.norm2(y)
