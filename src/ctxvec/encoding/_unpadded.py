"""A padding-free forward pass for BERT encoders (the default model is one).

A length-sorted batch still pads every sequence to the batch's longest: on real text a quarter of the
positions are padding, and every dense layer (query/key/value, attention output, feed-forward: most of
the arithmetic) would compute them too. Here the dense layers and layer norms run on the real tokens
only, packed as (n_real, dim); only attention, which mixes the tokens of one sequence, scatters them
back to (batch, heads, length, head_dim) and runs PyTorch's scaled-dot-product attention with the
padding masked, as transformers' own ``sdpa`` path does. Same modules, same weights, same results
(tests/encoding/test_unpadded.py compares with the model's own forward).
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
    model: Any, input_ids: torch.Tensor, keep: torch.Tensor | None, mask: torch.Tensor | None, layers: set[int]
) -> dict[int, torch.Tensor]:
    """Hidden states of the real tokens, packed: {layer: (n_real, dim)} for each layer in `layers`
    (0 = the embeddings, as in ``hidden_states``).

    `input_ids` is (B, T); `keep` (n_real,) the flat indices of its real tokens and `mask` (B, T)
    bool, both None when no position is padded. Call under ``torch.inference_mode()``.
    """
    import torch
    import torch.nn.functional as F

    batch, length = input_ids.shape
    emb = model.embeddings(input_ids=input_ids)  # (B, T, dim)
    dim = emb.shape[-1]
    x = emb.reshape(batch * length, dim)
    spread = None  # (B * T,) each position's row among the real tokens (padding reads row 0: finite, masked)
    if keep is not None:
        x = x[keep]
        spread = torch.zeros(batch * length, dtype=torch.long, device=x.device)
        spread[keep] = torch.arange(len(keep), device=x.device)
    attn_mask = None if mask is None else mask[:, None, None, :]  # (B, 1, 1, T): keys to attend to

    out = {0: x} if 0 in layers else {}
    for i, layer in enumerate(model.encoder.layer, start=1):
        sa = layer.attention.self
        heads = sa.num_attention_heads
        qkv = _fused_qkv(sa)(x)  # (n_real, 3 * dim)
        if spread is not None:
            qkv = qkv[spread]
        q, k, v = qkv.view(batch, length, 3, heads, dim // heads).permute(2, 0, 3, 1, 4)  # (B, h, T, dh) each
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, scale=sa.scaling)
        a = a.transpose(1, 2).reshape(batch * length, dim)
        if keep is not None:
            a = a[keep]
        x = layer.attention.output(a, x)  # dense, residual, layer norm
        x = layer.output(layer.intermediate(x), x)  # feed-forward, residual, layer norm
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
