"""The runners' choices and defaults (no heavy imports: the CLI's parser reads them)."""

from __future__ import annotations

RUNNERS = ("local", "ray")
"""Where shards are encoded: this process, or a Ray cluster."""

SHARD_SENTENCES = 1024
"""Default sentences per shard (recorded in the manifest: resume and every runner use the same plan)."""

PREFETCH_BATCHES = 4
"""Batches a runner's producer thread packs ahead of the forward passes (local runner and Ray worker)."""
