"""The runners' choices and defaults (no heavy imports: the CLI's parser reads them)."""

from __future__ import annotations

RUNNERS = ("local", "ray")
"""Where shards are encoded: this process, or a Ray cluster."""

SHARD_SENTENCES = 1024
"""Default sentences per shard (recorded in the manifest: resume and every runner use the same plan)."""
